"""The one exception type for problems with a user's input files."""


class InputDataError(ValueError):
    """Bad input data; the message names the file and the problem."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
