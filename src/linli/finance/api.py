from ninja import Router

router = Router(tags=["物业收费"])
