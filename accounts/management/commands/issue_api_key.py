"""Issue an API key for a district's integration account (Open311, the 12345 push):

    manage.py issue_api_key --district 610116 --integration open311 [--days 365] [--name "…"]

The account (Role.INTEGRATION, `User.integration` set, no usable password) is created on first use, named
`<integration>-<district code>`; the key is printed as the last line of the output, once. An account of that
integration in that district is narrow by construction: it can file and read through its own channel only."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.actors import SystemActor
from accounts.apikeys import api_key_issue
from accounts.models import User
from accounts.roles import Integration, Role
from compounds.models import District


class Command(BaseCommand):
    help = "为区的接口账号（Open311、12345 推送）签发 API 密钥；密钥为输出的最后一行，只显示一次。"

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="区划代码，如 610116")
        parser.add_argument("--integration", required=True, choices=Integration.values)
        parser.add_argument("--days", type=int, default=None, help="有效天数（默认见 API_KEY_INTEGRATION_DAYS）")
        parser.add_argument("--name", default="", help="密钥名称")

    @transaction.atomic
    def handle(self, *args, district: str, integration: str, days: int | None, name: str, **options):
        found = District.objects.filter(code=district.strip()).first()
        if found is None:
            raise CommandError(f"区划代码 {district} 不存在。")
        label = Integration(integration).label
        user = (
            User.objects.filter(role=Role.INTEGRATION, integration=integration, district=found).order_by("pk").first()
        )
        if user is None:
            user = User(
                username=f"{integration}-{found.code}",
                full_name=f"{found.name}{label}",
                role=Role.INTEGRATION,
                integration=integration,
                district=found,
            )
            user.set_unusable_password()
            user.save()
            self.stdout.write(f"已创建接口账号 {user.username}（{label}，{found.name}）。")
        elif not user.is_active:
            raise CommandError(f"接口账号 {user.username} 已停用：请先在管理后台启用。")
        actor = SystemActor(name="command:issue_api_key", district_id=found.pk)
        try:
            key, plain = api_key_issue(
                actor=actor,
                user=user,
                name=name or label,
                days=days if days is not None else settings.API_KEY_INTEGRATION_DAYS,
            )
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(
            f"已为 {user.username} 签发密钥“{key.name}”，前缀 {key.prefix}，到期 {key.expires_at:%Y-%m-%d}。"
            "密钥只显示这一次："
        )
        self.stdout.write(plain)
