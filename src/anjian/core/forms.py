"""Form helpers shared by every app."""

from django.core.exceptions import ValidationError


def apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field where the form has it, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields else None
        for error in errors:
            if target is None and name != "__all__":
                label = name
                form.add_error(None, ValidationError("{}：{}".format(label, " ".join(error.messages))))
            else:
                form.add_error(target, error)
