"""수요기업 회원가입 wizard: `from kvoucher_desktop.views.signup.wizard import SignupWizard`."""
