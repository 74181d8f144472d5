"""Writers: the forms a page, an export or a briefing pack is written out in."""
