#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Lets `python3 -m unittest discover` in this directory find the harness's
# unit tests, which are named <module>_test.py as in tools/testing/kunit.

import os
import unittest


def load_tests(loader, standard_tests, pattern):
	here = os.path.dirname(os.path.abspath(__file__))
	standard_tests.addTests(loader.discover(here, pattern='*_test.py'))
	return standard_tests
