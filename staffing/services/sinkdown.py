"""Department sink-down teams (组团式下沉服务队): form, members, communities, and the task log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from compounds.models import Community, Department
from staffing.models import Person, SinkDownMember, SinkDownPost, SinkDownTask, SinkDownTaskType, SinkDownTeam
from staffing.services.common import acting, actor_user, reach, save_clean, see


@transaction.atomic
def team_create(
    *, actor: Any, name: str, department: Department | int, formed_on: date, note: str = ""
) -> SinkDownTeam:
    acting(actor, "staffing.manage_sinkdown")
    department = see(actor, Department, department)
    return save_clean(
        SinkDownTeam(
            district_id=department.district_id,
            name=(name or "").strip(),
            department=department,
            formed_on=formed_on,
            note=note,
        )
    )


@transaction.atomic
def member_add(
    *, actor: Any, team: SinkDownTeam | int, person: Person | int, start: date, is_leader: bool = False
) -> SinkDownMember:
    team = reach(actor, SinkDownTeam, team, action="view")
    acting(actor, "staffing.manage_sinkdown", team)
    person = see(actor, Person, person)
    return save_clean(
        SinkDownMember(
            district_id=team.district_id,
            team=team,
            person=person,
            start=start,
            is_leader=is_leader,
            recorded_by=actor_user(actor),
        )
    )


@transaction.atomic
def member_end(*, actor: Any, member: SinkDownMember | int, end: date, reason: str = "") -> SinkDownMember:
    member = reach(actor, SinkDownMember, member, action="view", lock=True)
    acting(actor, "staffing.manage_sinkdown", member.team)
    if member.end is not None:
        raise ValidationError({"end": gettext("已于 %(day)s 离队。") % {"day": member.end}})
    member.end, member.end_reason = end, (reason or "").strip() or "离队"
    return save_clean(member)


@transaction.atomic
def post_add(*, actor: Any, team: SinkDownTeam | int, community: Community | int, start: date) -> SinkDownPost:
    """下沉: the team serves `community` from `start`."""
    team = reach(actor, SinkDownTeam, team, action="view")
    acting(actor, "staffing.manage_sinkdown", team)
    community = see(actor, Community, community)
    return save_clean(
        SinkDownPost(
            district_id=team.district_id,
            team=team,
            community=community,
            start=start,
            recorded_by=actor_user(actor),
        )
    )


@transaction.atomic
def post_end(*, actor: Any, post: SinkDownPost | int, end: date, reason: str = "") -> SinkDownPost:
    post = reach(actor, SinkDownPost, post, action="view", lock=True)
    acting(actor, "staffing.manage_sinkdown", post.team)
    if post.end is not None:
        raise ValidationError({"end": gettext("已于 %(day)s 撤出。") % {"day": post.end}})
    post.end, post.end_reason = end, (reason or "").strip() or "撤出"
    return save_clean(post)


@transaction.atomic
def task_log(
    *,
    actor: Any,
    team: SinkDownTeam | int,
    community: Community | int,
    task_type: str,
    done_on: date,
    title: str,
    description: str = "",
    participants: int = 1,
    residents_served: int = 0,
) -> SinkDownTask:
    """工作台账: what the team did in a community it is posted to."""
    team = reach(actor, SinkDownTeam, team, action="view")
    acting(actor, "staffing.log_sinkdown_task", team)
    community = Community.objects.filter(pk=getattr(community, "pk", community), district_id=team.district_id).first()
    if community is None:
        raise ValidationError({"community": gettext("请选择本区的社区。")})
    if task_type not in SinkDownTaskType.values:
        raise ValidationError({"task_type": gettext("请选择任务类型。")})
    return save_clean(
        SinkDownTask(
            district_id=team.district_id,
            team=team,
            community=community,
            task_type=task_type,
            done_on=done_on,
            title=(title or "").strip(),
            description=(description or "").strip(),
            participants=participants,
            residents_served=residents_served,
            recorded_by=actor_user(actor),
        )
    )
