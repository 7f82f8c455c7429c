"""The one model object that is trained, evaluated, registered, scored and served."""

from axpoc.artifact._poc_model import OUTPUT_COLUMNS, OofCalibratedClassifier, PocModel

__all__ = ["OUTPUT_COLUMNS", "OofCalibratedClassifier", "PocModel"]
