"""Reading the addon's source as text, for the layout tests."""

import ast


def class_methods(path):
    """Names of the methods defined in the classes of the Python file ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for cls in tree.body
        if isinstance(cls, ast.ClassDef)
        for node in cls.body
        if isinstance(node, ast.FunctionDef)
    }
