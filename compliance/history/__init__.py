"""An assessment's history told as sentences: every audit event about it, in the
reader's language, with its values translated (never the stored codes). Above the
features whose events it tells (assessments, evidence, actions, reviews); it adds its
part to the assessment's history page as a panel (see listeners.py)."""
