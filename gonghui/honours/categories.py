"""How a nominee's quota categories are derived from what the platform knows.

* **农民工 (migrant worker)**: the member record's ``is_migrant_worker`` flag. A team
  (工人先锋号) has no such flag; the recommending union says so.
* **产业工人 (industrial worker)**: a worker of an enterprise in industry, construction or
  transport — GB/T 4754 sections B (mining), C (manufacturing), D (power, heat, gas and water),
  E (construction) and G (transport, storage and post). Derived from the industry of the
  union's host unit (``Organisation.host_industry``, a GB/T 4754 name such as 汽车制造业),
  and for workers in new forms of employment from the form itself (truck drivers and
  couriers are road freight and post, section G). The recommending union may correct it.
* **一线职工 (front-line worker)**: not in the member record (a job title does not say it);
  entered by the recommending union for each nominee. Industrial workers count once, as
  industrial; "other front-line" are the remaining front-line nominees.
* **非公有制企业 (non-public enterprise)**: from the host unit's ownership — private,
  foreign, Hong Kong/Macao/Taiwan and individual businesses are non-public (the
  organisations app's ``NON_PUBLIC_OWNERSHIP``); state-owned and collective are public;
  government organs, public institutions and social organisations are not enterprises.
  Joint unions of new-employment-form workers have no host unit: the recommending union
  enters it.
"""

from gonghui.honours.choices import Ownership
from gonghui.members.choices import EmploymentForm
from gonghui.organisations.choices import NON_PUBLIC_OWNERSHIP
from gonghui.organisations.choices import Ownership as OrgOwnership
from gonghui.organisations.models import Organisation

# Words of GB/T 4754 division names in sections B, C, D, E and G.
INDUSTRIAL_WORDS = (
    "开采", "采选", "采矿", "制造", "加工", "纺织", "冶炼", "压延", "炼焦", "化学", "橡胶", "塑料",
    "电力", "热力", "燃气", "水的生产", "建筑", "土木工程", "装饰", "安装",
    "运输", "仓储", "邮政", "装卸", "搬运",
)  # fmt: skip
INDUSTRIAL_FORMS = frozenset({EmploymentForm.TRUCK_DRIVER, EmploymentForm.COURIER})
PUBLIC_OWNERSHIP = frozenset({OrgOwnership.STATE, OrgOwnership.COLLECTIVE})


def industrial_from(organisation: Organisation, employment_form: str = "") -> bool | None:
    """True/False when the union's host unit or the employment form tells; None when unknown."""
    if employment_form in INDUSTRIAL_FORMS:
        return True
    industry = organisation.host_industry or ""
    if not industry:
        return None
    return any(word in industry for word in INDUSTRIAL_WORDS)


def ownership_from(organisation: Organisation) -> str | None:
    """The quota's ownership class of the union's host unit; None when not recorded."""
    own = organisation.host_ownership
    if not own:
        return None
    if own in NON_PUBLIC_OWNERSHIP:
        return Ownership.NON_PUBLIC
    if own in PUBLIC_OWNERSHIP:
        return Ownership.PUBLIC
    return Ownership.NOT_ENTERPRISE
