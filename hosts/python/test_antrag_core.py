"""The module in Python (wasmtime) gives exactly the native core's responses
(target/core-module/cases.json, written by `antrag-core-cases`). Run by `make test`."""

import json
import os
import unittest

from antrag_core import AntragCore, AntragCoreError

MODULE = os.environ.get("ANTRAG_CORE_WASM", "dist/core/antrag-core.wasm")
CASES = os.environ.get("ANTRAG_CORE_CASES", "target/core-module/cases.json")

with open(CASES, encoding="utf-8") as f:
    cases = json.load(f)


class SameAsNative(unittest.TestCase):
    def setUp(self):
        self.core = AntragCore(MODULE)

    def test_version(self):
        self.assertEqual(self.core.call({"op": "version"}), cases["version"])

    def test_every_demo_form_and_shared_example(self):
        checked = 0
        for form in cases["forms"]:
            self.assertEqual(self.core.call(form["load"]), form["loaded"], f"{form['id']}: load")
            for case in form["checks"]:
                self.assertEqual(self.core.call(case["request"]), case["expected"], f"{form['id']} {case['name']}")
                checked += 1
        self.assertGreaterEqual(len(cases["forms"]), 4)
        self.assertGreaterEqual(checked, 20)

    def test_broken_definitions(self):
        self.assertGreaterEqual(len(cases["lint"]), 5)
        for case in cases["lint"]:
            got = self.core.call(case["request"])
            self.assertEqual(got, case["expected"], case["name"])
            self.assertTrue(got["problems"], case["name"])

    def test_wrapper(self):
        form = next(f for f in cases["forms"] if f["checks"])
        handle = self.core.load(form["load"]["definition"], form["load"]["codeLists"])
        first = form["checks"][0]
        self.assertEqual(self.core.check(handle, first["request"]["answers"], first["request"]["today"]), first["expected"])
        with self.assertRaises(AntragCoreError) as broken:
            self.core.load(cases["lint"][0]["request"]["definition"])
        self.assertEqual(broken.exception.code, "invalid_definition")
        self.assertTrue(broken.exception.problems)
        with self.assertRaises(AntragCoreError) as bad_day:
            self.core.check(handle, {}, "03.12.2026")
        self.assertEqual(bad_day.exception.code, "bad_today")


if __name__ == "__main__":
    unittest.main()
