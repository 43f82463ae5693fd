"""Competitions' part of the URL walk (gonghui/tests/urlwalk.py): a marked and published
competition of 西安 with its correction, appeal and recommendation, and every button of its
page."""

from gonghui.competitions import models
from gonghui.competitions.services import marking, results
from gonghui.competitions.tests import helpers


def xian_objects(world) -> dict:
    """A competition organised by 西安市总工会 with one entry (选手一 of the 西安 factory),
    marked, published, with a pending correction, an appeal and the recommendations the
    default rules make."""
    s = helpers.build(world, organiser="xian", n=1)
    competition = s.competition
    competition.title = "西安市焊工技能竞赛"
    competition.save(update_fields=["title"])
    competition = helpers.publish(world, s)
    entry = s.entries[0]
    sheet = helpers.sheet(s, entry, 0)
    correction = marking.correction_request(
        actor=world.users["xian"],
        sheet=sheet,
        aspect=helpers.aspect(s, "A1"),
        new_value=0,
        reason="复核发现焊缝裂纹",
    )
    appeal = results.appeal_file(actor=world.users["xian"], entry=entry, reason="理论成绩有误，请复核")
    recommendation = models.Recommendation.objects.filter(competition=competition).first()
    assert recommendation is not None, "the default rules recommend the winner"
    return {
        "competition_id": competition.pk,
        "entry_id": entry.pk,
        "sheet_id": sheet.pk,
        "correction_id": correction.pk,
        "appeal_id": appeal.pk,
        "recommendation_id": recommendation.pk,
        # every button of the competition page
        "action": [
            "advance_status",
            "advance_entries",
            "compute",
            "verify",
            "publish",
            "scheme",
            "register",
            "judge",
            "substitute",
            "rules",
            "theory",
        ],
    }


# The competition and its competitor.
MARKERS = ["西安市焊工技能竞赛", "选手一"]

LIST_QUERIES = [
    ("competitions:list", "?q=焊工"),
    ("audit", "?object={competition_id}"),
]

FORM_POST = {
    "decision": "upheld",
    "fingerprint": "walk",
    "aspect": "A1",
    "value": "1",
    "score": "90",
    "number": "1",
    "members": "1",
}

API_BODIES = {
    ("POST", "competitions/{competition_id}/scheme"): helpers.SCHEME,
    ("POST", "competitions/{competition_id}/marks"): {"entry": "{entry_id}", "aspect": "A1", "score": 1},
    ("POST", "competitions/{competition_id}/sheets/{sheet_id}/sign-off"): None,
    ("POST", "competitions/{competition_id}/results/compute"): None,
    ("POST", "competitions/{competition_id}/results/verify"): None,
    ("POST", "competitions/{competition_id}/results/publish"): None,
    ("POST", "competitions/{competition_id}/recommendations/{recommendation_id}/accept"): None,
    ("POST", "competitions/{competition_id}/recommendations/{recommendation_id}/decline"): {"reason": "walk"},
    ("POST", "competitions/{competition_id}/appeals"): {
        "entry": "{entry_id}",
        "reason": "理论成绩有误，请复核",
    },
}

API_SEARCHES = {"list_competitions": {"q": "焊工"}}

COUNTED = [
    models.Competition,
    models.Entry,
    models.Section,
    models.Aspect,
    models.JudgeAssignment,
    models.Substitution,
    models.Mark,
    models.Correction,
    models.Result,
    models.Appeal,
    models.Recommendation,
]


def snapshot(values: dict) -> tuple:
    competition = models.Competition.objects.get(pk=values["competition_id"])
    return (
        (competition.status, competition.results_state, competition.title),
        models.Sheet.objects.get(pk=values["sheet_id"]).status,
        models.Correction.objects.get(pk=values["correction_id"]).status,
        models.Appeal.objects.get(pk=values["appeal_id"]).status,
        models.Recommendation.objects.get(pk=values["recommendation_id"]).status,
    )
