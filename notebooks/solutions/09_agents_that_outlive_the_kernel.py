"""Solutions to the exercises of 09_agents_that_outlive_the_kernel.ipynb."""

import json

from helpers.store import export_agent


def messages_per_day(db, agent_name):
    """The agent's user and assistant messages counted by day ("YYYY-MM-DD" -> count)."""
    rows = db.execute(
        "SELECT substr(r.timestamp, 1, 10), COUNT(*) FROM recall r JOIN agents a ON a.id = r.agent_id "
        "WHERE a.name = ? AND r.role IN ('user', 'assistant') GROUP BY 1 ORDER BY 1",
        (agent_name,),
    )
    return dict(rows.fetchall())


def save_agent_file(agent, path):
    """Write the whole agent to `path` as a JSON agent file, in UTF-8."""
    with open(path, "w", encoding="utf-8") as file:
        json.dump(export_agent(agent), file, ensure_ascii=False)


def load_agent_file(store, path, name):
    """Import the agent file at `path` into `store` under `name`; return the agent."""
    with open(path, encoding="utf-8") as file:
        return store.import_agent(json.load(file), name=name)
