"""Called by sample-notes through boto3 (no route): trims and capitalises a note's text and counts its words."""


def handler(event, context):
    text = " ".join(str(event.get("text", "")).split())
    return {"text": text[:1].upper() + text[1:], "words": len(text.split())}
