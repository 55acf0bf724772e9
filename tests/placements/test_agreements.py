"""The APL agreement of a placement (issue 14, item 6): the company fills it in (objectives
only from the student's programme), the school states whether the student is under 18, an
under-18 does not start without the risk assessment, the final assessment comes after the
period and is read by the student and their school, never by another company."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from college_portal.notifications.models import Notification
from placements import agreements
from placements.models import (
    ApplicationStatus,
    ObjectiveAssessment,
    PlacementAgreement,
    RiskItem,
)
from tests.factories import (
    ApplicationFactory,
    CourseFactory,
    MembershipFactory,
    OfferFactory,
    ProgrammeCourseFactory,
    ProgrammeFactory,
    StudentProfileFactory,
)
from tests.helpers import post, sv, url

TODAY = timezone.localdate()
RISK_TICKED = {item.value: "on" for item in RiskItem}


@pytest.fixture
def programme(school):
    programme = ProgrammeFactory(provider=school, name="Industritekniska programmet")
    for name in ("Svarvning 1", "Fräsning 1"):
        ProgrammeCourseFactory(programme=programme, course=CourseFactory(name=name))
    return programme


@pytest.fixture
def placement(company, school, student, teacher, programme):
    """Elsa's accepted place at LK Precision; her school (the teacher's) has confirmed her."""
    StudentProfileFactory(
        user=student,
        school=school,
        programme=programme,
        school_confirmed_at=timezone.now(),
        school_confirmed_by=teacher,
    )
    offer = OfferFactory(
        organisation=company,
        title="Praktik i CNC-svarvning",
        address="Verkstadsgatan 1, Södertälje",
        period_start=TODAY + timedelta(days=3),
        period_end=TODAY + timedelta(days=40),
        programmes=[programme],
    )
    return ApplicationFactory(
        offer=offer, student=student, status=ApplicationStatus.ACCEPTED, decided_at=timezone.now()
    )


def courses(*names):
    from programs.models import Course

    return [Course.objects.get(name=name).pk for name in names]


def agreement_data(**extra):
    return {
        "supervisor_name": "Anders Berg",
        "supervisor_email": "anders@lkprecision.example",
        "supervisor_phone": "08-123 45 67",
        "supervisor_trained": "on",
        "objectives": courses("Svarvning 1"),
        "working_hours": "Måndag–fredag 7.00–15.30",
        "address": "Verkstadsgatan 1, Södertälje",
        **extra,
    }


def fill_in(client, rep, placement, **extra):
    client.force_login(rep)
    return post(client, url("placements:agreement_edit", placement.pk), agreement_data(**extra))


# --- filling in -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_starts_from_the_offer_and_creates_the_agreement_on_saving(client, rep, placement):
    client.force_login(rep)
    page = client.get(url("placements:agreement_edit", placement.pk))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["address"].value() == "Verkstadsgatan 1, Södertälje"
    assert form["supervisor_email"].value() == placement.offer.contact_email
    assert not PlacementAgreement.objects.exists()  # opening the form writes nothing

    response = fill_in(client, rep, placement)

    agreement = PlacementAgreement.objects.get(application=placement)
    assert response.shown == [sv("The agreement has been saved.")]
    assert agreement.supervisor_trained
    assert list(agreement.objectives.values_list("name", flat=True)) == ["Svarvning 1"]
    assert agreement.risk_assessed_at is None
    entry = ActivityEntry.objects.get(action=actions.PLACEMENT_AGREEMENT_CREATED)
    assert entry.actor == rep and entry.organisation_id == placement.offer.organisation_id
    assert "Anders" not in str(entry.data) and "anders@" not in str(entry.data)


@pytest.mark.django_db
def test_a_change_is_logged_without_the_supervisors_name(client, rep, placement):
    fill_in(client, rep, placement)
    fill_in(client, rep, placement, supervisor_name="Bodil Ek", **RISK_TICKED)

    entry = ActivityEntry.objects.get(action=actions.PLACEMENT_AGREEMENT_CHANGED)
    assert entry.data["supervisor"] == "changed"
    assert entry.data["risk_hazards_identified"] == [False, True]
    assert "Bodil" not in str(entry.data)
    assert PlacementAgreement.objects.get().risk_assessed_at is not None


@pytest.mark.django_db
def test_objectives_are_only_courses_of_the_students_programme(client, rep, placement):
    other = CourseFactory(name="Frisörteknik")
    response = fill_in(client, rep, placement, objectives=[other.pk])

    assert response.status_code == 400
    assert not PlacementAgreement.objects.exists()
    with pytest.raises(ValidationError):
        agreements.save_agreement(
            user=rep, application_id=placement.pk, values={}, objectives=[other]
        )
    assert not PlacementAgreement.objects.exists()


@pytest.mark.django_db
def test_without_a_programme_on_the_profile_the_offers_programmes_give_the_objectives(
    student, placement
):
    student.student_profile.programme = None
    student.student_profile.save()

    names = {course.name for course in agreements.objective_choices(placement)}

    assert names == {"Svarvning 1", "Fräsning 1"}


@pytest.mark.django_db
def test_another_company_and_another_student_do_not_see_it(client, rep, rep2, student2, placement):
    fill_in(client, rep, placement)
    for person in (rep2, student2):
        client.force_login(person)
        assert client.get(url("placements:agreement", placement.pk)).status_code == 404
    client.force_login(rep2)
    assert client.get(url("placements:agreement_edit", placement.pk)).status_code == 404
    assert client.post(url("placements:agreement_start", placement.pk)).status_code == 404


@pytest.mark.django_db
def test_staff_of_a_school_that_has_not_confirmed_the_student_do_not_see_it(
    client, rep, teacher, student, placement
):
    fill_in(client, rep, placement)
    profile = student.student_profile
    profile.school_confirmed_at = None
    profile.save()
    client.force_login(teacher)
    assert client.get(url("placements:agreement", placement.pk)).status_code == 404


@pytest.mark.django_db
def test_a_submitted_application_has_no_agreement(client, rep, company, student):
    application = ApplicationFactory(offer=OfferFactory(organisation=company), student=student)
    client.force_login(rep)
    assert client.get(url("placements:agreement_edit", application.pk)).status_code == 404
    assert client.get(url("placements:agreement", application.pk)).status_code == 404


# --- starting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_student_under_18_does_not_start_without_the_risk_assessment(client, rep, placement):
    fill_in(client, rep, placement)  # nothing of the checklist ticked

    response = post(client, url("placements:agreement_start", placement.pk))

    assert response.shown == [
        sv(
            "A student under 18 cannot start before the workplace's risk assessment is done: the company ticks every item of the checklist in the agreement first."
        )
    ]
    assert PlacementAgreement.objects.get().started_at is None

    fill_in(client, rep, placement, **RISK_TICKED)
    response = post(client, url("placements:agreement_start", placement.pk))

    assert response.shown == [sv("The placement is marked as started.")]
    assert PlacementAgreement.objects.get().started_by == rep
    assert ActivityEntry.objects.filter(action=actions.PLACEMENT_STARTED).count() == 1


@pytest.mark.django_db
def test_one_unticked_item_is_no_risk_assessment(client, rep, placement):
    fill_in(client, rep, placement, **{**RISK_TICKED, "risk_emergency_procedures": ""})
    assert PlacementAgreement.objects.get().needs_risk_assessment


@pytest.mark.django_db
def test_the_school_says_the_student_is_18_and_the_placement_starts(
    client, rep, teacher, placement
):
    fill_in(client, rep, placement)
    client.force_login(teacher)

    post(client, url("placements:agreement_age", placement.pk), {"under_18": "no"})
    response = post(client, url("placements:agreement_start", placement.pk))

    agreement = PlacementAgreement.objects.get()
    assert not agreement.student_under_18 and agreement.age_confirmed_by == teacher
    assert response.shown == [sv("The placement is marked as started.")]
    assert agreement.started_by == teacher
    assert ActivityEntry.objects.filter(action=actions.PLACEMENT_AGREEMENT_AGE_SET).count() == 1


@pytest.mark.django_db
def test_a_company_cannot_state_the_students_age(client, rep, placement):
    fill_in(client, rep, placement)
    assert (
        client.post(url("placements:agreement_age", placement.pk), {"under_18": "no"}).status_code
        == 403
    )
    assert PlacementAgreement.objects.get().student_under_18


@pytest.mark.django_db
def test_no_start_before_the_agreement_exists(client, rep, placement):
    client.force_login(rep)
    response = post(client, url("placements:agreement_start", placement.pk))
    assert response.shown == [sv("The placement cannot start before the agreement is filled in.")]


# --- the final assessment -----------------------------------------------------------------------


def end_period(placement):
    offer = placement.offer
    offer.period_start = TODAY - timedelta(days=30)
    offer.period_end = TODAY
    offer.save()


def assessment_data(placement):
    first, second = courses("Svarvning 1", "Fräsning 1")
    return {
        f"level_{first}": "independently",
        f"comment_{first}": "Svarvar självständigt efter ritning.",
        f"level_{second}": "with_support",
        f"comment_{second}": "Behöver stöd vid uppspänning.",
    }


@pytest.mark.django_db
def test_no_final_assessment_before_the_period_ends(client, rep, placement):
    fill_in(client, rep, placement, objectives=courses("Svarvning 1", "Fräsning 1"))

    response = post(client, url("placements:agreement_assess", placement.pk))

    assert response.shown == [
        sv("The final assessment is given when the period ends or the placement is completed.")
    ]
    with pytest.raises(ValidationError):
        agreements.save_assessment(
            user=rep,
            application_id=placement.pk,
            levels={pk: ("independently", "") for pk in courses("Svarvning 1", "Fräsning 1")},
        )


@pytest.mark.django_db
def test_every_objective_must_be_assessed(client, rep, placement):
    fill_in(client, rep, placement, objectives=courses("Svarvning 1", "Fräsning 1"))
    end_period(placement)
    data = assessment_data(placement)
    data.pop(f"level_{courses('Fräsning 1')[0]}")

    response = client.post(url("placements:agreement_assess", placement.pk), data)

    assert response.status_code == 400
    assert not ObjectiveAssessment.objects.exists()


@pytest.mark.django_db
def test_the_assessment_is_read_by_the_student_and_their_school_never_by_another_company(
    client, rep, rep2, student, teacher, placement
):
    fill_in(client, rep, placement, objectives=courses("Svarvning 1", "Fräsning 1"))
    end_period(placement)
    page = client.get(url("placements:agreement_assess", placement.pk))
    assert (
        sv(
            "Supervisors have no accounts in the portal yet: a member of the company enters the supervisor's assessment."
        )
        in page.content.decode()
    )

    response = post(
        client, url("placements:agreement_assess", placement.pk), assessment_data(placement)
    )

    assert response.shown == [sv("The final assessment has been saved.")]
    assert ActivityEntry.objects.get(action=actions.PLACEMENT_ASSESSED).data == {"objectives": 2}
    for person in (student, teacher):
        client.force_login(person)
        html = client.get(url("placements:agreement", placement.pk)).content.decode()
        assert "Svarvar självständigt efter ritning." in html
        assert sv("Shown with support") in html
        assert (
            sv(
                "The supervisor assesses the student's progress against the learning objectives but does not grade: the assessment is evidence for the teacher, who sets the grade."
            )
            in html
        )
    client.force_login(rep2)
    for name in ("placements:agreement", "placements:agreement_assess"):
        response = client.get(url(name, placement.pk))
        assert response.status_code == 404
        assert "Svarvar självständigt" not in response.content.decode()


@pytest.mark.django_db
def test_a_student_cannot_assess(client, student, placement):
    client.force_login(student)
    assert client.get(url("placements:agreement_assess", placement.pk)).status_code == 403


# --- the reminder -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_company_is_reminded_once_a_week_before_the_period_ends(
    client, rep, colleague, placement, django_capture_on_commit_callbacks
):
    fill_in(client, rep, placement)
    offer = placement.offer
    offer.period_start = TODAY - timedelta(days=20)
    offer.period_end = TODAY + timedelta(days=5)
    offer.save()
    inactive = MembershipFactory(organisation=offer.organisation, user__is_active=False).user

    with django_capture_on_commit_callbacks(execute=True):
        agreements.remind_final_assessments()
        agreements.remind_final_assessments()

    sent = Notification.objects.filter(kind="placement_assessment_due")
    assert sorted(sent.values_list("email", flat=True)) == sorted([rep.email, colleague.email])
    assert inactive.email not in sent.values_list("email", flat=True)
    assert url("placements:agreement", placement.pk) in sent.first().context["path"]


@pytest.mark.django_db
def test_no_reminder_too_early_or_once_assessed(client, rep, placement):
    fill_in(client, rep, placement)  # the period ends in 40 days
    assert agreements.remind_final_assessments() == 0
    offer = placement.offer
    offer.period_start = TODAY - timedelta(days=20)
    offer.period_end = TODAY + timedelta(days=2)
    offer.save()
    PlacementAgreement.objects.update(assessed_at=timezone.now())
    assert agreements.remind_final_assessments() == 0


@pytest.mark.django_db
def test_the_application_page_links_to_the_agreement(client, student, placement):
    client.force_login(student)
    html = client.get(url("placements:application_detail", placement.pk)).content.decode()
    assert url("placements:agreement", placement.pk) in html


# --- APL weeks ----------------------------------------------------------------------------------


def monday(weeks_ago):
    return TODAY - timedelta(days=TODAY.weekday() + 7 * weeks_ago)


@pytest.mark.django_db
def test_weeks_are_working_days_over_five():
    start = monday(10)
    assert agreements._weeks(start, start + timedelta(days=4)) == 1  # Monday to Friday
    assert agreements._weeks(start, start + timedelta(days=13)) == 2  # two whole weeks
    assert agreements._weeks(start + timedelta(days=3), start + timedelta(days=9)) == 1  # Thu–Wed


@pytest.mark.django_db
def test_the_student_and_school_see_the_weeks_and_a_warning_when_behind(
    client, rep, student, teacher, company, placement
):
    # Five weeks done at another workplace; this placement's period is planned.
    done = OfferFactory(
        organisation=company,
        period_start=monday(12),
        period_end=monday(12) + timedelta(days=32),  # Monday of week 1 to Friday of week 5
    )
    ApplicationFactory(offer=done, student=student, status=ApplicationStatus.COMPLETED)
    planned = agreements._weeks(placement.offer.period_start, placement.offer.period_end)
    assert agreements.apl_weeks(student) == {
        "completed": 5,
        "planned": round(planned, 1),
        "required": 15,
        "behind": 5 + planned < 15,
        "level": "gymnasieskola",
        "length": 40,
        "adult": False,
        "lia": False,
    }
    offer = placement.offer
    offer.period_end = offer.period_start + timedelta(days=7)  # about a week only
    offer.save()
    warning = sv(
        "Behind: the completed and planned placements together do not reach the required weeks. The school needs to plan more APL for this student."
    )
    for person in (student, teacher):
        client.force_login(person)
        html = client.get(url("placements:agreement", placement.pk)).content.decode()
        assert sv("APL weeks") in html and warning in html
    client.force_login(rep)
    html = client.get(url("placements:agreement", placement.pk)).content.decode()
    assert sv("APL weeks") not in html  # the company is not told the student's other weeks

    offer.period_end = offer.period_start + timedelta(days=90)
    offer.save()
    client.force_login(student)
    html = client.get(url("placements:agreement", placement.pk)).content.decode()
    assert sv("APL weeks") in html and warning not in html


ADULT_TEXT = (
    "Completed: %(completed)s weeks. Planned: %(planned)s weeks. Adult vocational education "
    "requires APL for at least 15 %% of the programme's %(length)s weeks: at least "
    "%(required)s weeks."
)
ADULT_NO_LENGTH = (
    "Completed: %(completed)s weeks. Planned: %(planned)s weeks. Adult vocational education "
    "requires APL for at least 15 %% of the programme's length, but the programme's length is "
    "not recorded, so the required weeks cannot be shown."
)
LIA_TEXT = (
    "Completed: %(completed)s weeks. Planned: %(planned)s weeks of LIA (learning at work, "
    "higher vocational education)."
)
LIA_OWN_LENGTH = (
    "LIA is not APL: the programme's own LIA length applies, and the portal does not hold it."
)
BEHIND = (
    "Behind: the completed and planned placements together do not reach the required weeks. "
    "The school needs to plan more APL for this student."
)


def plan_weeks(placement, weeks):
    """The placement's period: `weeks` whole working weeks from next Monday."""
    offer = placement.offer
    offer.period_start = monday(-1)
    offer.period_end = offer.period_start + timedelta(days=7 * weeks - 3)  # ends on a Friday
    offer.save()


def pages(client, placement, *people):
    for person in people:
        client.force_login(person)
        yield client.get(url("placements:agreement", placement.pk)).content.decode()


@pytest.mark.django_db
def test_adult_education_requires_15_percent_of_the_programme_length(
    client, rep, student, teacher, placement, programme
):
    from programs.models import Level

    programme.level = Level.ADULT
    programme.length_weeks = 40  # 15 % is 6 weeks
    programme.save()
    plan_weeks(placement, 1)
    weeks = agreements.apl_weeks(student)
    figures = (weeks["completed"], weeks["planned"], weeks["required"], weeks["behind"])
    assert figures == (0, 1, 6, True)
    text = sv(ADULT_TEXT) % {"completed": 0, "planned": 1, "length": 40, "required": 6}
    for html in pages(client, placement, student, teacher):
        assert sv("APL weeks") in html and text in html and sv(BEHIND) in html
    (html,) = pages(client, placement, rep)
    assert sv("APL weeks") not in html and sv(BEHIND) not in html  # not the company's business

    programme.length_weeks = 41  # 6.15 weeks: rounded up to 7
    programme.save()
    plan_weeks(placement, 7)
    assert agreements.apl_weeks(student)["required"] == 7
    assert agreements.apl_weeks(student)["behind"] is False
    (html,) = pages(client, placement, student)
    assert sv(ADULT_TEXT) % {"completed": 0, "planned": 7, "length": 41, "required": 7} in html
    assert sv(BEHIND) not in html


@pytest.mark.django_db
def test_adult_education_without_a_length_says_so_instead_of_a_figure(
    client, student, teacher, placement, programme
):
    from programs.models import Level

    programme.level = Level.ADULT
    programme.length_weeks = 0  # not recorded (the forms ask for at least 1)
    programme.save()
    plan_weeks(placement, 1)
    weeks = agreements.apl_weeks(student)
    assert (weeks["required"], weeks["behind"]) == (None, False)
    for html in pages(client, placement, student, teacher):
        assert sv(ADULT_NO_LENGTH) % {"completed": 0, "planned": 1} in html
        assert sv(BEHIND) not in html


@pytest.mark.django_db
def test_higher_vocational_education_shows_lia_weeks_without_the_apl_requirement(
    client, rep, student, teacher, company, placement, programme
):
    from programs.models import Level

    programme.level = Level.HIGHER_VOCATIONAL
    programme.save()
    done = OfferFactory(
        organisation=company, period_start=monday(12), period_end=monday(12) + timedelta(days=11)
    )  # two working weeks
    ApplicationFactory(offer=done, student=student, status=ApplicationStatus.COMPLETED)
    plan_weeks(placement, 1)
    weeks = agreements.apl_weeks(student)
    figures = (weeks["completed"], weeks["planned"], weeks["required"], weeks["lia"])
    assert figures == (2, 1, None, True)
    assert weeks["behind"] is False  # no APL requirement to fall behind
    text = sv(LIA_TEXT) % {"completed": 2, "planned": 1}
    for html in pages(client, placement, student, teacher):
        assert sv("LIA weeks") in html and text in html and sv(LIA_OWN_LENGTH) in html
        assert sv("APL weeks") not in html and sv(BEHIND) not in html
    (html,) = pages(client, placement, rep)
    assert sv("LIA weeks") not in html and text not in html


# --- the three-party conversation and attendance ----------------------------------------------


@pytest.mark.django_db
def test_the_teacher_books_the_conversation_and_everyone_reads_the_notes(
    client, rep, student, teacher, placement
):
    fill_in(client, rep, placement)
    client.force_login(teacher)
    outside = placement.offer.period_end + timedelta(days=3)
    response = client.post(
        url("placements:agreement_conversation", placement.pk), {"on": outside.isoformat()}
    )
    assert response.status_code == 400
    assert PlacementAgreement.objects.get().conversation_on is None

    midway = placement.offer.period_start + timedelta(days=14)
    response = post(
        client,
        url("placements:agreement_conversation", placement.pk),
        {"on": midway.isoformat(), "notes": "Elsa mäter själv med skjutmått."},
    )

    assert response.shown == [sv("The three-party conversation has been saved.")]
    agreement = PlacementAgreement.objects.get()
    assert agreement.conversation_on == midway and agreement.conversation_booked_by == teacher
    entry = ActivityEntry.objects.get(action=actions.PLACEMENT_CONVERSATION_SAVED)
    assert entry.data == {"conversation_on": [None, midway.isoformat()], "notes": "changed"}
    for person in (student, rep):
        client.force_login(person)
        html = client.get(url("placements:agreement", placement.pk)).content.decode()
        assert "Elsa mäter själv med skjutmått." in html


@pytest.mark.django_db
def test_a_company_cannot_book_the_conversation_nor_a_school_record_attendance(
    client, rep, teacher, placement
):
    fill_in(client, rep, placement)
    assert client.get(url("placements:agreement_conversation", placement.pk)).status_code == 403
    client.force_login(teacher)
    assert client.get(url("placements:agreement_attendance", placement.pk)).status_code == 403


@pytest.mark.django_db
def test_the_company_records_attendance_per_week_of_the_period(client, rep, student, placement):
    fill_in(client, rep, placement)
    weeks = agreements.period_weeks(placement.offer)
    assert weeks[0] <= placement.offer.period_start < weeks[0] + timedelta(days=7)
    assert weeks[-1] <= placement.offer.period_end < weeks[-1] + timedelta(days=7)
    first = f"week_{weeks[0]:%Y-%m-%d}"

    response = client.post(url("placements:agreement_attendance", placement.pk), {first: "6"})
    assert response.status_code == 400
    response = post(client, url("placements:agreement_attendance", placement.pk), {first: "4"})

    assert response.shown == [sv("The attendance has been saved.")]
    [row] = PlacementAgreement.objects.get().attendance.all()
    assert (row.week, row.days_present) == (weeks[0], 4)
    assert ActivityEntry.objects.get(action=actions.PLACEMENT_ATTENDANCE_SAVED).data == {"weeks": 1}
    with pytest.raises(ValidationError):
        agreements.save_attendance(
            user=rep, application_id=placement.pk, days={weeks[0] - timedelta(days=7): 3}
        )
    client.force_login(student)
    html = client.get(url("placements:agreement", placement.pk)).content.decode()
    assert sv("Days present per week") in html


# --- the student's data -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_student_downloads_the_agreement_and_deleting_the_account_erases_the_notes(
    client, rep, student, placement
):
    import json

    from django.urls import reverse

    from tests.factories import PASSWORD

    fill_in(client, rep, placement, objectives=courses("Svarvning 1", "Fräsning 1"))
    end_period(placement)
    post(client, url("placements:agreement_assess", placement.pk), assessment_data(placement))
    PlacementAgreement.objects.update(conversation_notes="Elsa mäter själv med skjutmått.")
    client.force_login(student)

    data = json.loads(client.get(reverse("my_data") + "?format=json").content)

    [application] = data["placements"]["applications"]
    agreement = application["agreement"]
    assert agreement["supervisor"] == "Anders Berg"
    assert agreement["conversation_notes"] == "Elsa mäter själv med skjutmått."
    assert "Svarvar självständigt efter ritning." in [a["comment"] for a in agreement["assessment"]]

    client.post(reverse("my_data"), {"password": PASSWORD, "confirm": "on"})

    assert PlacementAgreement.objects.get().conversation_notes == ""
    assert set(ObjectiveAssessment.objects.values_list("comment", flat=True)) == {""}
    assert ObjectiveAssessment.objects.count() == 2  # the levels stay for the numbers
