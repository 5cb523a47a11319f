from ninja import Router

router = Router(tags=["公共收益"])
