# Every microseg object imports by its name.
terraform import microseg_category.tier AppTier
