"""Stocktakes (清查盘点): campaigns, frozen expected lists, scans, results, reconciliation."""
