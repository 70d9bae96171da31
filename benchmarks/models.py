from django.db import models


class BenchRow(models.Model):
    """One row per request of the yardstick endpoint (a bare Django insert)."""

    payload = models.CharField("内容", max_length=200)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "基准测试行"
        verbose_name_plural = "基准测试行"

    def __str__(self) -> str:
        return self.payload
