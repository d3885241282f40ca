"""Solutions to the exercises of 10_programmable_memory.ipynb."""

from helpers.paging import how_many
from helpers.programmable import lines_of, one_line, write_lines


def shopping_list_add(agent, item: str) -> str:
    """Add an item to the shopping list.

    Args:
        item: The item to buy, in a few words.
    """
    item = one_line(item, "item")
    items = lines_of(agent, "shopping")
    if item.lower() in (line.lower() for line in items):
        return f"{item!r} is already on the shopping list: nothing was added."
    write_lines(agent, "shopping", [*items, item], "Remove an item first.")
    return f"Added {item!r} to the shopping list: {how_many(len(items) + 1, 'item')} on it now."


def shopping_list_remove(agent, item: str) -> str:
    """Remove an item from the shopping list.

    Args:
        item: The item to take off, as the list shows it.
    """
    items = lines_of(agent, "shopping")
    wanted = " ".join(item.split()).lower()
    kept = [line for line in items if line.lower() != wanted]
    if len(kept) == len(items):
        listed = ", ".join(items) if items else "nothing"
        raise ValueError(f"{item!r} is not on the shopping list, which holds: {listed}. Nothing was changed.")
    write_lines(agent, "shopping", kept, "")
    return f"Removed {item!r} from the shopping list: {how_many(len(kept), 'item')} left."
