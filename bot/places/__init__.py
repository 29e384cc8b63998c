"""Vietnam's administrative units since 1 July 2025 (34 provinces, 3,321 communes): the data
from the `vietnam-provinces` package and a search that finds a place however it is typed."""

from bot.places.index import Commune, Places, PlaceSearch, Province
from bot.places.successors import SuccessorError, Successors

__all__ = ["Commune", "PlaceSearch", "Places", "Province", "SuccessorError", "Successors"]
