"""The demo county (演示数据): 衡东县洣水镇 as the article describes it, built layer by layer.

The package sits at the top of the app graph: it may import any app, and no app imports it.
Each module builds one layer through that layer's services and imports only the apps at or
below it, in the order ``linli demo`` builds them:

========================  =====================================================================
``names.py``              the county's fixed facts and name pools (no database)
``compounds.py``          the 107 compounds as surveyed and changed since (a plan, in memory)
``people.py``             households and residents of a compound (a plan, in memory)
``county.py``             the ledger layer: regions, compounds, households, residents
``logins.py``             the demo logins and how they are made
``grid.py``               兴东's 片/组/邻, the 三长 and the 邻长's visits
``party.py``              兴东's party tree on that grid
``cases.py``              a year of residents' cases
``selfgov.py``            owners, committees and votes
``meetings.py``           two five-party meetings
``finance.py``            a year of fees in the custodial compounds
``commons.py``            a year of public accounts
``photos.py``             phone-like JPEGs for visits and cases
``build.py``              the whole: ``build_demo``, ``build_county``, ``clear_demo``
========================  =====================================================================

Nothing is imported here: ``linli.demo`` is an installed app (for its ``demo`` command), and
Django imports this package before the models are ready.
"""
