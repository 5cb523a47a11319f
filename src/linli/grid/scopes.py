"""How the grid's rows reach the places an actor holds (``linli.core.policy``)."""

from linli.core.policy import register, via_grid, via_household


def register_scopes() -> None:
    from .models import Grid, Holding, Membership, Post, Visit, VisitPhoto

    register(Grid, via_grid())
    register(Post, via_grid("grid"))
    register(Holding, via_grid("post__grid"))
    register(Membership, via_household("household"))
    register(Visit, via_household("household"))
    register(VisitPhoto, via_household("visit__household"))
