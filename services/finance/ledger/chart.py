"""The accounts the service posts to by itself (the whole chart is data: ``finance_account``).

Direct payment: Dr expense / Cr 4001. A quota granted: Dr 1011 / Cr 4001; an authorized
payment: Dr expense / Cr 1011. Revenue received: Dr 100201 / Cr 2103; remitted: the reverse.
A unit's monthly depreciation (from assets): Dr 5001 / Cr 1602; a disposed fixed asset written
off: Dr 1602 (its accumulated depreciation), Dr 5301 (its net book value) / Cr 1601 (its value).
"""

from __future__ import annotations

APPROPRIATION_REVENUE = "4001"  # 财政拨款收入
QUOTA_ACCOUNT = "1011"  # 零余额账户用款额度
COLLECTION_ACCOUNT = "100201"  # 非税收入汇缴户 (restricted)
OWED_TO_TREASURY = "2103"  # 应缴财政款 (restricted)
QUOTA_FUND = "GEN"  # quotas come from the general public budget
OPERATING_EXPENSE = "5001"  # 业务活动费用
ACCUMULATED_DEPRECIATION = "1602"  # 固定资产累计折旧 (a contra-asset: credit-normal)
ACCUMULATED_AMORTIZATION = "1702"  # 无形资产累计摊销 (a contra-asset: credit-normal)
FIXED_ASSETS = "1601"  # 固定资产
DISPOSAL_EXPENSE = "5301"  # 资产处置费用
PAYROLL_PAYABLE = "2201"  # 应付职工薪酬
