"""Conformance for world modgate:host/slots, in Python (the Rust twin is
guests/test-components/conformance-slots): render answers one widget of
each type from the catalog, all under the mount, naming the slot, the
product and the verified customer."""

from typing import List

from modgate import exported
from wit_world import exports
from wit_world.exports import slot_provider as s


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, settings: str) -> None:
        pass


@exported
class SlotProvider(exports.SlotProvider):
    def render(self, request: s.SlotRequest) -> List[s.Widget]:
        product = request.product_id or "none"
        customer = request.customer_id or "anonymous"
        return [
            s.Widget_ToggleButton(
                s.ToggleButton("Follow", "Following", customer != "anonymous", f"/modules/conformance/follow/{product}")
            ),
            s.Widget_Badge(s.Badge(f"slot {request.slot}", s.Tone.INFO)),
            s.Widget_Text(f"for {customer}"),
            s.Widget_Link(s.Link("Details", f"/modules/conformance/about?product={product}")),
        ]
