"""antrag-core in Python: the portable WebAssembly module (docs/api/core-module.md) run by
wasmtime (PyPI).

    core = AntragCore("dist/core/antrag-core.wasm")
    form = core.load(definition_text, [code_list_text])   # raises on a broken definition
    result = core.check(form, answers, "2026-12-03")     # {"valid", "payload"} or {"valid", "issues"}
"""

import json

import wasmtime


class AntragCoreError(Exception):
    """A request the module refused: `code` says why, `problems` lists a definition's problems."""

    def __init__(self, error, problems=None):
        super().__init__(error["message"])
        self.code = error["code"]
        self.problems = problems or []


class AntragCore:
    def __init__(self, path):
        self._store = wasmtime.Store()
        module = wasmtime.Module.from_file(self._store.engine, path)
        exports = wasmtime.Instance(self._store, module, []).exports(self._store)
        self._memory, self._fn = exports["memory"], exports
        interface = self._fn["antrag_interface"](self._store)
        if interface != 1:
            raise RuntimeError(f"antrag-core interface {interface}, expected 1")

    def call(self, request):
        """One request to the module, one response (both JSON)."""
        data = json.dumps(request).encode()
        ptr = self._fn["antrag_alloc"](self._store, len(data))
        self._memory.write(self._store, data, ptr)
        length = self._fn["antrag_call"](self._store, ptr, len(data))
        start = self._fn["antrag_response"](self._store)
        return json.loads(self._memory.read(self._store, start, start + length))

    def load(self, definition, code_lists=()):
        response = self.call({"op": "load", "definition": definition, "codeLists": list(code_lists)})
        if not response["ok"]:
            raise AntragCoreError(response["error"], response.get("problems"))
        return response["form"]

    def check(self, form, answers, today):
        response = self.call({"op": "check", "form": form, "answers": answers, "today": today})
        if not response["ok"]:
            raise AntragCoreError(response["error"])
        return response
