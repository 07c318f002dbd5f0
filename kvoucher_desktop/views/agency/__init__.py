"""Agency (전문기관) administration pages."""
