"""Payment requests and their way through approval and the treasury (国库集中支付)."""
