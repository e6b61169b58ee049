"""Extract facts from Python source with libcst.

One parse builds the concrete syntax tree, and one code generation pass over
the tree does the rest. libcst regenerates the exact source text token by
token and calls a hook before and after every node, so counting the emitted
characters gives the offset of every node. The same hooks fold string
expressions, record comments and credentials, and note scopes, bindings and
calls. Request URLs are resolved after that pass, when every constant of the
module, its functions and its classes is known.

Before the parse, ``depth`` estimates how deeply the source nests and rejects
input that could crash libcst's native parser. The class that runs the pass
is a chain of subclasses, one module each: ``positions`` (node offsets, and
mapping them back when libcst drops characters), ``strings`` (folding string
expressions), ``bindings`` (scopes and imports) and ``credentials``.
:class:`_Walker` below adds the hooks that dispatch each node to its
handlers. After the pass, ``requests`` recognises request calls and
``resolve`` resolves their URLs. ``clients`` lists the HTTP libraries that
both recognise, and ``nodes`` reads names and arguments from libcst nodes.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable

import libcst as cst

from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.analyzers.python.credentials import _CredentialCollector
from ttai_guard.analyzers.python.depth import _check_nesting
from ttai_guard.analyzers.python.nodes import (
    _COMPREHENSION_TYPES,
    _FORMATTED_TEXT_TYPES,
    _FORMATTED_TYPES,
)
from ttai_guard.analyzers.python.positions import _deleted_positions, _OffsetMap
from ttai_guard.analyzers.python.requests import _find_requests
from ttai_guard.analyzers.python.resolve import _Resolver
from ttai_guard.facts import Facts, Literal

__all__ = ["analyze"]

_ERROR_POSITION = re.compile(r"error at (\d+):(\d+):?\s*")
_ERROR_KIND = re.compile(r"^\w+ error:\s*")


def analyze(text: str, settings: AnalyzerSettings) -> Facts:
    """Parse Python source and extract strings, comments, credentials and requests.

    ``text`` is the decoded source with any BOM removed. Raises AnalysisError
    when the source cannot be parsed or is nested too deeply to parse safely.
    """
    _check_nesting(text)
    module = _parse(text)
    walker = _Walker(module, settings.token_names)
    try:
        module._codegen(walker)
        regenerated = "".join(walker.tokens)
        if regenerated != text:
            # libcst 1.9 drops the indentation up to a form feed on a statement
            # line, and a lone CR that ends the file. Its offsets are mapped back
            # around the dropped characters.
            deleted = _deleted_positions(text, regenerated)
            if deleted is None:
                raise AnalysisError(
                    "libcst did not reproduce the source text, so offsets are unknown"
                )
            _OffsetMap(deleted).apply(walker)
        resolver = _Resolver(walker)
        walker.facts.requests = _find_requests(walker, resolver, text)
    except RecursionError:
        raise AnalysisError("code is nested too deeply for libcst to analyze") from None
    except MemoryError:
        raise AnalysisError("ran out of memory while analyzing the file") from None
    facts = walker.facts
    facts.strings.sort(key=_first_offset)
    facts.credentials.sort(key=lambda credential: _first_offset(credential.literal))
    facts.parsed = True
    return facts


def _first_offset(literal: Literal) -> int:
    return literal.segments[0].source_start if literal.segments else 0


def _parse(text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise AnalysisError(_syntax_error_message(error, text)) from None
    except RecursionError:
        raise AnalysisError("code is nested too deeply for libcst to parse") from None
    except MemoryError:
        raise AnalysisError("libcst ran out of memory while parsing") from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:
        # A panic in libcst's native parser arrives as pyo3's PanicException,
        # which derives from BaseException.
        raise AnalysisError(
            f"libcst failed to parse the file: {type(error).__name__}: {error}"
        ) from None


def _syntax_error_message(error: cst.ParserSyntaxError, text: str) -> str:
    # libcst 1.9 reports 1:1 as the position of every error. A parser error
    # has the real position in its message ("parser error: error at 2:0:
    # expected ..."); a tokenizer error has none, so CPython's parser finds
    # the line.
    lines = error.message.strip().splitlines()
    message = lines[0] if lines else "syntax error"
    position = _ERROR_POSITION.search(message)
    if position is not None:
        line, column = int(position.group(1)), int(position.group(2)) + 1
        detail = message[position.end() :] or message
        return f"invalid Python syntax at line {line}, column {column}: {detail}"
    detail = _ERROR_KIND.sub("", message)
    try:
        # The scanned code's own warnings (invalid escapes) are not ours to print.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<analyzed file>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as cpython_error:
        if cpython_error.lineno is not None:
            return f"invalid Python syntax at line {cpython_error.lineno}: {detail}"
    except (ValueError, RecursionError, MemoryError):
        pass
    return f"invalid Python syntax: {detail}"


class _Walker(_CredentialCollector):
    """Regenerate the module's text and collect facts in the same pass.

    ``before_codegen`` and ``after_codegen`` run around every node and call
    the handlers registered for its type. ``after_codegen`` runs when all
    children are done, which is when a string expression is folded and a
    statement is inspected.
    """

    def __init__(self, module: cst.Module, extra_names: tuple[str, ...]) -> None:
        super().__init__(module, extra_names)

        self.enter_handlers: dict[type, Callable[[cst.CSTNode], None]] = {
            cst.SimpleString: self._enter_string,
            cst.Comment: self._enter_comment,
            cst.Call: self._enter_call,
            cst.FunctionDef: self._enter_definition,
            cst.ClassDef: self._enter_definition,
            cst.Lambda: self._enter_lambda,
        }
        for kind in _FORMATTED_TYPES:
            self.enter_handlers[kind] = self._enter_string
        for kind in _FORMATTED_TEXT_TYPES:
            self.enter_handlers[kind] = self._enter_offset
        for kind in _COMPREHENSION_TYPES:
            self.enter_handlers[kind] = self._enter_comprehension
        self.leave_handlers: dict[type, Callable[[cst.CSTNode], None]] = {
            cst.SimpleString: self._leave_string,
            cst.ConcatenatedString: self._leave_string,
            cst.BinaryOperation: self._leave_binary,
            cst.Assign: self._leave_assign,
            cst.AnnAssign: self._leave_annotated_assign,
            cst.AugAssign: self._leave_augmented_assign,
            cst.NamedExpr: self._leave_named_expression,
            cst.For: self._leave_loop,
            cst.CompFor: self._leave_loop,
            cst.WithItem: self._leave_with_item,
            cst.ExceptHandler: self._leave_except,
            cst.ExceptStarHandler: self._leave_except,
            cst.Import: self._leave_import,
            cst.ImportFrom: self._leave_import_from,
            cst.Del: self._leave_delete,
            cst.MatchAs: self._leave_match_capture,
            cst.MatchStar: self._leave_match_capture,
            cst.MatchMapping: self._leave_match_mapping,
            cst.Global: self._leave_global,
            cst.Nonlocal: self._leave_nonlocal,
            cst.Call: self._leave_call,
            cst.Dict: self._leave_dict,
            cst.Param: self._leave_param,
            cst.BooleanOperation: self._leave_boolean,
        }
        for kind in _FORMATTED_TYPES:
            self.leave_handlers[kind] = self._leave_string

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append(node)
        key = id(node)
        call = self.call_of_func.get(key)
        if call is not None:
            self.starts[id(call)] = self.offset
        owner = self.scope_owners.pop(key, None)
        if owner is not None:
            self._push_scope(owner, node)
        handler = self.enter_handlers.get(type(node))
        if handler is not None:
            handler(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        handler = self.leave_handlers.get(type(node))
        if handler is not None:
            handler(node)
        key = id(node)
        call = self.call_of_func.pop(key, None)
        if call is not None:
            self.ends[id(call)] = self.offset
        while self.scope.end_node == key and self.scope.parent is not None:
            self.scope = self.scope.parent
        self.stack.pop()
