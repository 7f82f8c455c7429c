"""axpoc's own KPIs: each module's ``KPIS`` is registered in `axpoc.kpi.KPIS` on first use.

A new KPI is one module here (or in a package of your own, see README "Extending axpoc") holding a
`axpoc.kpi.Kpi` in ``KPIS``, plus its test.
"""
