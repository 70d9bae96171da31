import pytest

from accounts.actors import SystemActor
from workorders import services
from workorders.models import Channel

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)


@pytest.fixture
def file_order_factory(tree):
    """File a resident's order in the tree's first compound (the district's catalogue seeded once)."""
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}

    def _file(**fields):
        fields.setdefault("title", "楼道堆物")
        fields.setdefault("description", "3号楼楼道堆满纸箱")
        return services.work_order_file(
            actor=SYSTEM,
            compound=fields.pop("compound", tree.compounds[0]),
            category=categories[fields.pop("category", "corridor-clutter")],
            channel=fields.pop("channel", Channel.RESIDENT_QR),
            **fields,
        )

    return _file
