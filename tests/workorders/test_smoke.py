from workorders.models import HandlerLevel, State


def test_filed_order_is_routed_to_the_compounds_firm(tree, file_order):
    # given / when
    order = file_order()
    # then
    assert order.state == State.ASSIGNED
    assert order.handler_level == HandlerLevel.PROPERTY_FIRM
    assert order.handler_firm == tree.firm
    assert [e.kind for e in order.timeline.all()] == ["filed", "routed"]
