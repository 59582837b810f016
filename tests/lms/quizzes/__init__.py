from pathlib import Path

# The shared conformance corpus sits next to the repository (../shared/corpus from its root).
CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
MOODLE = CORPUS / "moodle-qformat"
GIFT_PEGJS = CORPUS / "gift-pegjs"
