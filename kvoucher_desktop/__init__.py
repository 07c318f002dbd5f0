"""kvoucher-desktop: K-비대면 바우처 플랫폼 데스크톱 애플리케이션."""

__version__ = "0.1.0"
APP_NAME = "kvoucher-desktop"
