"""Application resources: catalogue data, translations, themes, icons, web assets."""
