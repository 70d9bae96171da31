"""The six-step introduction of a property firm into a "三无" compound (引入物业六步法)."""

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT
from accounts.roles import Role
from compounds.models import DistrictOwned
from ratings.models.contracts import FeeBasis

R = Role


class IntroductionStage(models.IntegerChoices):
    RESIDENTS_CONSULTED = 1, _("征求居民意见")
    APPLICATION = 2, _("企业申请")
    COMMUNITY_REVIEW = 3, _("社区审核")
    INCUBATION_REVIEW = 4, _("孵化中心审核")
    CONTRACT_SIGNED = 5, _("签订合同")
    FIRM_MOVES_IN = 6, _("物业进驻")


class IntroductionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("进行中")
    STOPPED = "stopped", _("已终止")
    COMPLETED = "completed", _("已完成")


class Decision(models.TextChoices):
    APPROVED = "approved", _("通过")
    REJECTED = "rejected", _("不通过")


@pghistory.track()
class Introduction(DistrictOwned):
    """One attempt to bring `firm` into `compound`, with the contract terms it will sign."""

    compound = models.ForeignKey(
        "compounds.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="firm_introductions"
    )
    firm = models.ForeignKey(
        "compounds.PropertyFirm", verbose_name=_("物业企业"), on_delete=models.PROTECT, related_name="introductions"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=IntroductionStatus.choices, default=IntroductionStatus.IN_PROGRESS
    )
    fee_basis = models.CharField(_("收费方式"), max_length=20, choices=FeeBasis.choices, default=FeeBasis.PER_HOUSEHOLD)
    fee_fen = models.PositiveIntegerField(_("收费标准（分/月）"))
    contract_years = models.PositiveSmallIntegerField(_("合同年限"), default=3)
    started_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_by = models.ForeignKey(
        "accounts.User", verbose_name=_("发起人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contract = models.OneToOneField(
        "ratings.ServiceContract",
        verbose_name=_("生成的合同"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="introduction",
    )

    scope_view = {
        R.STREET_STAFF: "compound__community__street",
        R.COMMUNITY_CADRE: "compound__community",
        R.FIRM_STAFF: "firm",
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {R.STREET_STAFF: "compound__community__street", R.COMMUNITY_CADRE: "compound__community"}

    class Meta:
        verbose_name = _("物业引入流程")
        verbose_name_plural = _("物业引入流程")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound"],
                condition=Q(status="in_progress"),
                name="introduction_one_in_progress_per_compound",
                violation_error_message=_("该小区已有进行中的物业引入流程。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound} 引入 {self.firm}"

    @property
    def next_stage(self) -> IntroductionStage | None:
        done = max((s.stage for s in self.steps.all()), default=0)
        return IntroductionStage(done + 1) if done < IntroductionStage.FIRM_MOVES_IN else None


@pghistory.track()
class IntroductionStep(DistrictOwned):
    """One recorded step: when, who was responsible, what was decided, with its documents."""

    introduction = models.ForeignKey(
        Introduction, verbose_name=_("引入流程"), on_delete=models.CASCADE, related_name="steps"
    )
    stage = models.PositiveSmallIntegerField(_("步骤"), choices=IntroductionStage.choices)
    date = models.DateField(_("日期"))
    responsible = models.CharField(_("责任人"), max_length=50)
    decision = models.CharField(_("结论"), max_length=20, choices=Decision.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_view = {
        R.STREET_STAFF: "introduction__compound__community__street",
        R.COMMUNITY_CADRE: "introduction__compound__community",
        R.FIRM_STAFF: "introduction__firm",
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {}

    class Meta:
        verbose_name = _("引入步骤")
        verbose_name_plural = _("引入步骤")
        ordering = ["introduction", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["introduction", "stage"],
                name="introduction_step_once",
                violation_error_message=_("该步骤已经记录过。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.introduction} · {self.get_stage_display()}"


@pghistory.track()
class StepDocument(DistrictOwned):
    """A document (minutes, application, review opinion, contract scan) attached to a step: checked by its
    content and stored under a random name (accounts.uploads), downloaded as an attachment only."""

    step = models.ForeignKey(
        IntroductionStep, verbose_name=_("步骤"), on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("文件"), upload_to="ratings/introductions/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(
        _("文件类型"), max_length=100, blank=True, help_text=_("按文件内容识别（accounts.uploads），下载时使用")
    )
    size = models.PositiveIntegerField(_("大小（字节）"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_view = {
        R.STREET_STAFF: "step__introduction__compound__community__street",
        R.COMMUNITY_CADRE: "step__introduction__compound__community",
        R.FIRM_STAFF: "step__introduction__firm",
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {}

    class Meta:
        verbose_name = _("步骤材料")
        verbose_name_plural = _("步骤材料")
        ordering = ["step", "pk"]

    def __str__(self) -> str:
        return self.name
