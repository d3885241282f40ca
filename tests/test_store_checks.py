"""The checkers of notebook 09 accept its solutions and catch typical mistakes with the right words."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

from helpers import store_checks

SOLUTIONS = runpy.run_path(str(Path(__file__).resolve().parents[1] / "notebooks" / "solutions"
                               / "09_agents_that_outlive_the_kernel.py"))


def test_solutions_pass(capsys) -> None:
    assert store_checks.check_messages_per_day(SOLUTIONS["messages_per_day"]) is True
    assert store_checks.check_agent_file(SOLUTIONS["save_agent_file"], SOLUTIONS["load_agent_file"]) is True
    assert capsys.readouterr().out.count("✅ Well done") == 2


def counting_with(sql: str, *, by_name: bool):
    """A messages_per_day that runs `sql` (with the agent's name as its parameter if `by_name`)."""

    def messages_per_day(db, agent_name):
        return dict(db.execute(sql, (agent_name,) if by_name else ()).fetchall())

    return messages_per_day


def test_counting_every_agent_is_caught(capsys) -> None:
    sql = "SELECT substr(timestamp, 1, 10), COUNT(*) FROM recall WHERE role != 'tool' GROUP BY 1"
    assert store_checks.check_messages_per_day(counting_with(sql, by_name=False)) is False
    assert "count only this agent's messages: join recall to agents" in capsys.readouterr().out


def test_counting_tool_results_is_caught(capsys) -> None:
    sql = ("SELECT substr(r.timestamp, 1, 10), COUNT(*) FROM recall r JOIN agents a ON a.id = r.agent_id "
           "WHERE a.name = ? GROUP BY 1")
    assert store_checks.check_messages_per_day(counting_with(sql, by_name=True)) is False
    assert "not tool results" in capsys.readouterr().out


def test_pasting_the_name_into_sql_is_caught(capsys) -> None:
    def messages_per_day(db, agent_name):
        rows = db.execute("SELECT substr(r.timestamp, 1, 10), COUNT(*) FROM recall r JOIN agents a ON a.id = r.agent_id "
                          f"WHERE a.name = '{agent_name}' AND r.role IN ('user', 'assistant') GROUP BY 1")
        return dict(rows.fetchall())

    assert store_checks.check_messages_per_day(messages_per_day) is False
    assert "messages_per_day raised OperationalError" in capsys.readouterr().out


def test_dumping_the_agent_dict_as_is_is_caught(capsys) -> None:
    def save_agent_file(agent, path):
        Path(path).write_text(json.dumps(agent))

    assert store_checks.check_agent_file(save_agent_file, SOLUTIONS["load_agent_file"]) is False
    assert "export_agent(agent) first" in capsys.readouterr().out


def test_a_load_that_forgets_the_new_name_is_caught(capsys) -> None:
    def load_agent_file(store, path, name):
        return store.import_agent(json.loads(Path(path).read_text(encoding="utf-8")))

    assert store_checks.check_agent_file(SOLUTIONS["save_agent_file"], load_agent_file) is False
    assert "already an agent called 'Sam'" in capsys.readouterr().out
