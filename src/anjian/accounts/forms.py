"""Login and user-administration forms."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import Role
from anjian.enterprises.models import Enterprise


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续失败 5 次将锁定 30 分钟。"),
        "inactive": _("该账号已停用。"),
        "locked": _("登录失败次数过多，账号或地址已锁定 30 分钟，请稍后再试。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "autofocus": True})
        self.fields["password"].widget.attrs.update({"class": "form-control"})

    def get_invalid_login_error(self):
        if getattr(self.request, "anjian_login_locked", False):
            return ValidationError(self.error_messages["locked"], code="locked")
        return super().get_invalid_login_error()


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class UserCreateForm(_Styled):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    authority = forms.ModelChoiceField(label=_("所属机构"), queryset=None, required=False)
    enterprise_uscc = forms.CharField(label=_("或所属企业（统一社会信用代码）"), max_length=18, required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, min_length=8)

    def __init__(self, *args, authorities, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self._enterprises = enterprises

    def clean_enterprise_uscc(self):
        code = self.cleaned_data["enterprise_uscc"].strip().upper()
        if not code:
            return None
        enterprise = self._enterprises.filter(uscc=code).first()
        if enterprise is None:
            raise ValidationError(_("您的管辖范围内没有该信用代码的企业。"))
        return enterprise


class RoleForm(_Styled):
    role = forms.ChoiceField(label=_("角色"), choices=[("", _("（无角色，不能登录）")), *Role.choices], required=False)
    reason = forms.CharField(label=_("授权依据"), max_length=200, required=False)


class PasswordResetForm(_Styled):
    password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput)


def enterprises_in(prefix: str):
    from anjian.core.models import subtree_q

    return Enterprise.objects.filter(subtree_q(prefix))
