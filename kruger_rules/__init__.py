"""kruger-rules: the Levelling Up Our Communities proposals as rules as code."""

from kruger_rules.system import CountryTaxBenefitSystem, KrugerRules, rules_version

__all__ = ["CountryTaxBenefitSystem", "KrugerRules", "rules_version"]
