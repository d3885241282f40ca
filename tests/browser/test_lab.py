"""The course as a learner sees it: each notebook opens in JupyterLab, runs, shows no error and
renders its widgets; the chat in notebook 04 answers and its memory panel changes."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# Bounds on every wait (one notebook takes about 5 s here; these only stop a hung run).
PAGE_LOAD_TIMEOUT_MS = 45_000
KERNEL_IDLE_TIMEOUT_MS = 30_000
RUN_ALL_TIMEOUT_MS = 90_000
WIDGETS_TIMEOUT_MS = 15_000
CHAT_REPLY_TIMEOUT_MS = 30_000

# Find an open notebook panel by its widget id (JupyterLab's app object, exposed by the server flag).
FIND_PANEL = "const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.id === id);"
# Every awaited step in the page is bounded: it fails with a message naming it after `timeoutMs`.
WITHIN = """const within = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
  setTimeout(() => reject(new Error(`${what} took over ${timeoutMs / 1000} s`)), timeoutMs))]);"""

OPEN_NOTEBOOK_JS = """async ({path, timeoutMs}) => { %s
  const app = window.jupyterapp;
  const open = async () => {
    await app.restored;
    const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await panel.context.ready;
    await panel.sessionContext.ready;
    app.shell.activateById(panel.id);
    return panel.id;
  };
  return await within(open(), 'opening it and starting its kernel');
}""" % WITHIN

KERNEL_IDLE_JS = """(id) => { %s
  const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}""" % FIND_PANEL

RUN_ALL_JS = """async ({id, timeoutMs}) => { %s
  window.jupyterapp.shell.activateById(id);
  return await within(window.jupyterapp.commands.execute('notebook:run-all-cells'), 'running all cells');
}""" % WITHIN

# No output still says "Loading widget..." (the placeholder before a widget view exists).
WIDGETS_SETTLED_JS = """(id) => { %s
  return ![...panel.node.querySelectorAll('.jp-OutputArea-output')]
    .some(node => node.textContent.trim().startsWith('Loading widget'));
}""" % FIND_PANEL

# What each cell shows: its error outputs and widget outputs (from the model), what the page renders.
# A rendered widget is an output node holding a `.jupyter-widgets` view; a failed one holds only text.
CELLS_JS = """(id) => { %s
  return panel.content.widgets.map((cell, index) => {
    const model = cell.model;
    const code = model.type === 'code';
    const outputs = code ? model.outputs.toJSON() : [];
    const nodes = [...cell.node.querySelectorAll('.jp-OutputArea-output')];
    return {
      index,
      code,
      empty: !model.sharedModel.getSource().trim(),
      firstLine: model.sharedModel.getSource().split('\\n')[0].slice(0, 70),
      tags: model.getMetadata('tags') || [],
      executionCount: code ? model.executionCount : null,
      errors: outputs.filter(o => o.output_type === 'error').map(o => `${o.ename}: ${o.evalue}`),
      widgets: outputs.filter(o => o.data && o.data['%s'] && o.data['%s'].model_id).length,
      rendered: nodes.filter(node => node.querySelector(':scope > .jupyter-widgets')).length,
      texts: nodes.map(node => node.textContent.trim().slice(0, 100)),
    };
  });
}""" % (FIND_PANEL, WIDGET_MIME, WIDGET_MIME)

SCROLL_TO_CELL_JS = """({id, index}) => { %s
  panel.content.activeCellIndex = index;
  panel.content.widgets[index].node.scrollIntoView({block: 'center'});
}""" % FIND_PANEL

DIALOG_JS = """() => [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.trim().slice(0, 300))"""

SHUTDOWN_JS = """async ({id, timeoutMs}) => { %s %s
  if (panel) {
    await within(panel.sessionContext.shutdown(), 'shutting down its kernel');
    panel.context.model.dirty = false;  // close without the "save your work?" dialog
    panel.close();
  }
}""" % (FIND_PANEL, WITHIN)


def screenshots_requested() -> bool:
    """Whether this run should refresh docs/chat.png (`make screenshots`)."""
    return os.environ.get("MEMORY_LAB_UPDATE_SCREENSHOTS", "") == "1"


def describe(name: str, cell: dict[str, Any]) -> str:
    """A cell, named so a failure message points at it: notebook, index and first line."""
    return f"{name} cell {cell['index']} ({cell['firstLine']!r})"


def step(name: str, what: str, action: Callable[[], Any]) -> Any:
    """Run one browser step; a timeout or page error fails the test naming the notebook and step."""
    from playwright.sync_api import Error as PlaywrightError

    print(f"{time.strftime('%X')} {name}: {what}")  # pytest shows these for a failed test only
    try:
        return action()
    except PlaywrightError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        pytest.fail(f"{name}: {what} failed: {first_line}", pytrace=False)


def wait_idle(page: Any, name: str, panel_id: str, what: str) -> None:
    """Wait until the notebook's kernel is connected and idle."""
    step(name, what, lambda: page.wait_for_function(KERNEL_IDLE_JS, arg=panel_id, timeout=KERNEL_IDLE_TIMEOUT_MS))


def run_notebook(page: Any, name: str) -> tuple[str, list[dict[str, Any]]]:
    """Open a notebook in JupyterLab, wait for an idle kernel, run all cells; return what shows."""
    opening = {"path": name, "timeoutMs": PAGE_LOAD_TIMEOUT_MS}
    panel_id = step(name, "opening the notebook", lambda: page.evaluate(OPEN_NOTEBOOK_JS, opening))
    wait_idle(page, name, panel_id, "waiting for an idle kernel")
    running = {"id": panel_id, "timeoutMs": RUN_ALL_TIMEOUT_MS}
    step(name, "notebook:run-all-cells", lambda: page.evaluate(RUN_ALL_JS, running))
    wait_idle(page, name, panel_id, "waiting for the kernel to finish")
    from playwright.sync_api import Error as PlaywrightError

    try:
        page.wait_for_function(WIDGETS_SETTLED_JS, arg=panel_id, timeout=WIDGETS_TIMEOUT_MS)
    except PlaywrightError:  # a widget still loading is reported below, with its notebook and cell
        pass
    cells = step(name, "reading the cells", lambda: page.evaluate(CELLS_JS, panel_id))
    return panel_id, cells


def close_notebook(page: Any, name: str, panel_id: str) -> None:
    """Shut the notebook's kernel down and close it unsaved; the tab stays for the next notebook."""
    closing = {"id": panel_id, "timeoutMs": KERNEL_IDLE_TIMEOUT_MS}
    step(name, "closing the notebook", lambda: page.evaluate(SHUTDOWN_JS, closing))


def close_tab(page: Any, name: str) -> None:
    """Leave JupyterLab, then close the tab."""
    try:
        # Closing a page that is still loading or talking to the server can hang Playwright (seen
        # here with Debian's Chromium); `goto` has a timeout.
        step(name, "leaving the page", lambda: page.goto("about:blank"))
    finally:
        page.close()


def cell_problems(name: str, cell: dict[str, Any]) -> list[str]:
    """What a learner would see go wrong in one cell, one line each."""
    found = []
    if "raises-exception" not in cell["tags"]:
        found += [f"{describe(name, cell)} shows an error: {error}" for error in cell["errors"]]
    if cell["code"] and not cell["empty"] and cell["executionCount"] is None and not cell["errors"]:
        found.append(f"{describe(name, cell)} did not run (an earlier cell stopped the run?)")
    for text in cell["texts"]:
        if text.startswith(("Error displaying widget", "Loading widget")):
            found.append(f"{describe(name, cell)} shows {text!r} instead of its widget")
    if cell["rendered"] < cell["widgets"]:
        found.append(f"{describe(name, cell)}: {cell['rendered']} of its {cell['widgets']} widgets rendered")
    return found


@pytest.fixture(scope="session")
def learner(
    browser: Any, lab: dict[str, str], paths: dict[str, Any], timings: dict[str, float]
) -> Iterator[dict[str, Any]]:
    """A learner's browser profile for JupyterLab (its tab logs in with the token), plus where results go.

    Any request that would change a file (save, rename, delete, restore a checkpoint) is refused and
    recorded in "writes": the run must not touch the course's files (autosave is off in the
    settings; this proves it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PAGE_LOAD_TIMEOUT_MS)
    writes: list[str] = []

    def refuse_writes(route: Any) -> None:
        method, path = route.request.method, route.request.url.split("?")[0]
        if method == "GET" or (method == "POST" and path.endswith("/checkpoints")):
            route.fallback()  # reading, or taking a checkpoint (kept in the server's throwaway dir)
        else:
            writes.append(f"{method} {path}")
            route.abort()

    context.route("**/api/contents/**", refuse_writes)
    state = {"context": context, "lab": lab, "paths": paths, "timings": timings, "writes": writes, "tab": None}
    try:
        yield state
    finally:
        try:
            if state["tab"] is not None:
                close_tab(state["tab"], "JupyterLab")
        finally:
            context.close()


# The tab is fit for the next notebook: JupyterLab is up, no notebook left open, no dialog showing.
TAB_READY_JS = """() => !!window.jupyterapp && !document.querySelector('.jp-NotebookPanel, .jp-Dialog')"""


def open_lab(learner: dict[str, Any], workspace: str) -> Any:
    """The learner's tab on JupyterLab, with the app object ready: loaded once, in a new workspace
    named after the first notebook it serves, then reused for the next notebooks (loading JupyterLab
    costs about as much as running a notebook); a tab left unfit is replaced by a new one."""
    from playwright.sync_api import Error as PlaywrightError

    page = learner["tab"]
    if page is not None:
        try:
            if not page.is_closed() and page.evaluate(TAB_READY_JS):
                return page
            page.goto("about:blank")  # leave JupyterLab before closing the tab (see close_tab)
        except PlaywrightError:
            pass  # a broken tab is replaced like an unfit one
        learner["tab"] = None
        page.close()
    page = learner["tab"] = learner["context"].new_page()
    url = f"{learner['lab']['url']}/lab/workspaces/{workspace}"
    login = f"?token={learner['lab']['token']}"
    step(workspace, f"loading {url}", lambda: page.goto(url + login, wait_until="domcontentloaded"))
    ready = "() => window.jupyterapp && window.jupyterapp.shell"
    step(workspace, "waiting for window.jupyterapp", lambda: page.wait_for_function(ready, timeout=PAGE_LOAD_TIMEOUT_MS))
    return page


def checked_notebook(learner: dict[str, Any], name: str) -> tuple[Any, str]:
    """Open and run one notebook, screenshot it, fail with every problem a learner would see."""
    started = time.monotonic()
    stem = name.removesuffix(".ipynb")
    page = open_lab(learner, "".join(c if c.isalnum() else "-" for c in stem))
    panel_id, cells = run_notebook(page, name)
    found = [f"{name}: a dialog is open: {text!r}" for text in page.evaluate(DIALOG_JS)]
    found += [f"{name}: the page tried to change a file: {write}" for write in learner["writes"]]
    bad = [cell["index"] for cell in cells if cell_problems(name, cell)]
    found += [line for cell in cells for line in cell_problems(name, cell)]
    if bad:  # the screenshot shows the first cell that went wrong
        page.evaluate(SCROLL_TO_CELL_JS, {"id": panel_id, "index": bad[0]})
    page.screenshot(path=str(learner["paths"]["artifacts"] / f"{stem}.png"))
    learner["timings"][stem.split("_")[0].split("-")[0]] = time.monotonic() - started
    if not any(cell["code"] for cell in cells):
        found.append(f"{name} has no code cell to run")
    if found:
        close_notebook(page, name, panel_id)
        pytest.fail("\n".join(found), pytrace=False)
    return page, panel_id


def test_notebook_runs_clean_in_lab(learner: dict[str, Any], notebook: str) -> None:
    """The notebook opens, runs top to bottom, shows no error, and every widget renders.

    `notebook` runs over every notebook but 04 (see conftest.pytest_generate_tests)."""
    page, panel_id = checked_notebook(learner, notebook)
    close_notebook(page, notebook, panel_id)


def panel_text(chat: Any) -> str:
    """All the chat's memory panels, as the learner reads them."""
    return "\n".join(chat.locator(".memory-lab-panel").all_inner_texts())


def send(page: Any, chat: Any, text: str, where: str) -> str:
    """Type a message into the chat's text box, click Send, wait for the answer; return the reply."""
    transcript = chat.locator(".memory-lab-transcript")
    box = chat.locator(".memory-lab-input input")
    box.fill(text)
    # The typed value reaches the kernel as a widget update; let it land before the click does.
    page.wait_for_timeout(200)
    chat.locator(".memory-lab-send").click()
    deadline = time.monotonic() + CHAT_REPLY_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        shown = transcript.inner_text()
        if text in shown and box.input_value() == "" and box.is_enabled():
            reply = shown[shown.rindex(text) + len(text):].strip()
            if reply:
                return reply
        page.wait_for_timeout(100)
    pytest.fail(
        f"{where}: after sending {text!r} no reply showed in the chat's transcript within "
        f"{CHAT_REPLY_TIMEOUT_MS / 1000:.0f} s; it shows {transcript.inner_text()!r}",
        pytrace=False,
    )


def test_chat_in_notebook_04(learner: dict[str, Any]) -> None:
    """Notebook 04 runs clean; typing into its chat and clicking Send shows a reply and the memory
    panel learns the name; a correction ("actually Charles, not Sarah") changes the panel again."""
    paths = learner["paths"]
    where = paths["chat_notebook"]
    if not (paths["notebooks"] / where).exists():
        pytest.fail(f"no notebook 04 in {paths['notebooks']}: the chat test needs it", pytrace=False)
    page, panel_id = checked_notebook(learner, where)
    started = time.monotonic()
    try:
        chats = page.locator(".memory-lab-chat")
        count = chats.count()
        assert count >= 1, f"{where}: no chat widget (.memory-lab-chat) shows after running all cells"
        panels = [panel_text(chats.nth(i)) for i in range(count)]

        fresh = [i for i, text in enumerate(panels) if "Bob" not in text]
        assert fresh, f"{where}: every chat already remembers Bob; its panels show {panels!r}"
        chat = chats.nth(fresh[0])
        before = panels[fresh[0]]
        reply = send(page, chat, "My name is Bob", where)
        after = panel_text(chat)
        assert after != before, f"{where}: the memory panel did not change after 'My name is Bob': {after!r}"
        assert "Bob" in after, f"{where}: after 'My name is Bob' the memory panel shows {after!r}"
        assert chat.locator(".memory-lab-error").count() == 0, f"{where}: the chat shows an error: {reply!r}"
        chat.screenshot(path=str(paths["artifacts"] / "chat-bob.png"))

        # The correction needs a memory that says Sarah: a chat the notebook set up so, else say it.
        sarah = [i for i, text in enumerate(panels) if "Sarah" in text and "Charles" not in text]
        if sarah:
            chat = chats.nth(sarah[0])
        else:
            send(page, chat, "My name is Sarah", where)
            assert "Sarah" in panel_text(chat), f"{where}: after 'My name is Sarah' the panel shows {panel_text(chat)!r}"
        before = panel_text(chat)
        reply = send(page, chat, "My name is actually Charles, not Sarah", where)
        after = panel_text(chat)
        assert after != before, f"{where}: the memory panel did not change after the correction: {after!r}"
        assert "Charles" in after, f"{where}: after the correction the memory panel shows {after!r}"
        assert "Charles" in reply, f"{where}: the reply to the correction does not name Charles: {reply!r}"
        assert chat.locator(".memory-lab-error").count() == 0, f"{where}: the chat shows an error: {reply!r}"
        chat.screenshot(path=str(paths["artifacts"] / "chat.png"))
        learner["timings"]["04 chat"] = time.monotonic() - started
        if screenshots_requested():
            paths["chat_screenshot"].parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(paths["artifacts"] / "chat.png", paths["chat_screenshot"])
    except BaseException:
        page.screenshot(path=str(paths["artifacts"] / f"{where.removesuffix('.ipynb')}-chat-failed.png"))
        raise
    finally:
        close_notebook(page, where, panel_id)


RESTART_KERNEL_JS = """async ({id, timeoutMs}) => { %s %s
  await within(panel.sessionContext.session.kernel.restart(), 'restarting the kernel');
}""" % (FIND_PANEL, WITHIN)

# Ask the kernel something without adding to its execution count (store_history: false).
KERNEL_SAYS_JS = """async ({id, code, timeoutMs}) => { %s %s
  const future = panel.sessionContext.session.kernel.requestExecute({code, store_history: false});
  let text = '';
  future.onIOPub = msg => { if (msg.header.msg_type === 'stream') text += msg.content.text; };
  await within(future.done, 'running ' + code);
  return text;
}""" % (FIND_PANEL, WITHIN)

RUN_CELL_JS = """async ({id, index, timeoutMs}) => { %s %s
  window.jupyterapp.shell.activateById(id);
  panel.content.activeCellIndex = index;
  return await within(window.jupyterapp.commands.execute('notebook:run-cell'), 'running the cell');
}""" % (FIND_PANEL, WITHIN)


def test_agent_in_notebook_09_survives_a_kernel_restart(learner: dict[str, Any]) -> None:
    """Notebook 09 runs clean; then the kernel is restarted for real (every variable gone), the cell
    that loads the agent from its store runs alone in the fresh kernel, and the agent knows the name."""
    where = next((path.name for path in sorted(learner["paths"]["notebooks"].glob("09_*.ipynb"))), None)
    if where is None:
        pytest.fail(f"no notebook 09 in {learner['paths']['notebooks']}", pytrace=False)
    page, panel_id = checked_notebook(learner, where)
    started = time.monotonic()
    try:
        ask = {"id": panel_id, "code": "print('agent' in globals())", "timeoutMs": KERNEL_IDLE_TIMEOUT_MS}
        assert step(where, "asking the kernel", lambda: page.evaluate(KERNEL_SAYS_JS, ask)).strip() == "True"
        restarting = {"id": panel_id, "timeoutMs": KERNEL_IDLE_TIMEOUT_MS}
        step(where, "restarting the kernel", lambda: page.evaluate(RESTART_KERNEL_JS, restarting))
        wait_idle(page, where, panel_id, "waiting for the restarted kernel")
        after = step(where, "asking the restarted kernel", lambda: page.evaluate(KERNEL_SAYS_JS, ask)).strip()
        assert after == "False", f"{where}: after the restart the kernel still has `agent` ({after!r})"
        cells = step(where, "reading the cells", lambda: page.evaluate(CELLS_JS, panel_id))
        restart_cell = next((c for c in cells if c["firstLine"].startswith("# After a kernel restart")), None)
        assert restart_cell, f"{where}: no cell starting '# After a kernel restart'"
        running = {"id": panel_id, "index": restart_cell["index"], "timeoutMs": RUN_ALL_TIMEOUT_MS}
        step(where, "running the cell after the restart", lambda: page.evaluate(RUN_CELL_JS, running))
        wait_idle(page, where, panel_id, "waiting for the cell to finish")
        cell = step(where, "reading the cells", lambda: page.evaluate(CELLS_JS, panel_id))[restart_cell["index"]]
        assert not cell["errors"], f"{describe(where, cell)} fails in a fresh kernel: {cell['errors']}"
        assert cell["executionCount"] == 1, f"{describe(where, cell)} did not run first in a fresh kernel: {cell}"
        assert "Ada" in " ".join(cell["texts"]), f"{describe(where, cell)}: the reloaded agent forgot the name: {cell['texts']}"
        page.screenshot(path=str(learner["paths"]["artifacts"] / "09-after-restart.png"))
        learner["timings"]["09 restart"] = time.monotonic() - started
    finally:
        close_notebook(page, where, panel_id)
