from ninja import Router

router = Router(tags=["五方联席会"])
