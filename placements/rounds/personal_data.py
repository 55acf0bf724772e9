"""A student's rounds in their export; on account deletion their motivations are erased (the
rows stay, anonymous, so a round's matching and statistics still add up)."""

from .models import Allocation, Choice, RoundStudent


def export(user):
    rounds = RoundStudent.objects.filter(student=user).select_related("round__school")
    choices = Choice.objects.filter(round_student__student=user).select_related("place__offer")
    allocations = Allocation.objects.filter(round_student__student=user).select_related(
        "place__offer"
    )
    return "allocation_rounds", {
        "rounds": [{"round": str(rs.round), "school": str(rs.round.school)} for rs in rounds],
        "choices": [
            {
                "round_student": c.round_student_id,
                "place": str(c.place.offer),
                "rank": c.rank,
                "motivation": c.motivation,
            }
            for c in choices
        ],
        "allocations": [
            {
                "place": str(a.place.offer) if a.place else None,
                "status": a.status,
                "explanation": a.explanation,
                "placed_by_hand": a.manual,
            }
            for a in allocations
        ],
    }


def erase(user):
    Choice.objects.filter(round_student__student=user).update(motivation="")
    Allocation.objects.filter(round_student__student=user).update(reason="")
