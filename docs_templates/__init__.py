"""The .docx memo templates the office edits in Word (shipped as package data; see README.md here)."""
