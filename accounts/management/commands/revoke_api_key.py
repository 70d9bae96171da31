"""Revoke API keys: one by its prefix (as the keys page and `issue_api_key` show it), or all of a user's.

manage.py revoke_api_key AbCd1234
manage.py revoke_api_key --user open311-610116
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.actors import SystemActor
from accounts.apikeys import api_key_revoke, api_keys_revoke_for_user
from accounts.models import ApiKey, User


class Command(BaseCommand):
    help = "撤销 API 密钥：按前缀撤销一个，或用 --user 撤销某个账号的全部密钥。"

    def add_arguments(self, parser):
        parser.add_argument("prefix", nargs="?", default="", help="密钥前缀（8 位）")
        parser.add_argument("--user", default="", help="用户名：撤销其全部密钥")

    def handle(self, *args, prefix: str, user: str, **options):
        if bool(prefix) == bool(user):
            raise CommandError("请给出密钥前缀，或用 --user 指定用户名（二者选一）。")
        if user:
            account = User.objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"用户 {user} 不存在。")
            actor = SystemActor(name="command:revoke_api_key", district_id=account.district_id)
            count = api_keys_revoke_for_user(actor=actor, user=account)
            self.stdout.write(f"已撤销 {account.username} 的 {count} 个密钥。")
            return
        key = ApiKey.objects.select_related("user").filter(prefix=prefix.strip()[: ApiKey.PREFIX_LENGTH]).first()
        if key is None or len(prefix.strip()) < ApiKey.PREFIX_LENGTH:
            raise CommandError(f"没有前缀为 {prefix} 的密钥。")
        already = key.revoked_at is not None
        actor = SystemActor(name="command:revoke_api_key", district_id=key.user.district_id)
        api_key_revoke(actor=actor, key=key)
        state = "此前已撤销" if already else "已撤销"
        self.stdout.write(f"密钥“{key.name}”（{key.prefix}…，{key.user.username}）{state}。")
