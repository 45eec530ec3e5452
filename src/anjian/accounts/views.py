"""Sign-in, sign-out, own password, and the user administration of the three administrators."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anjian.accounts import services
from anjian.accounts.forms import LoginForm, PasswordResetForm, RoleForm, UserCreateForm, enterprises_in
from anjian.accounts.models import User
from anjian.accounts.queries import USER_MANAGERS, user_for, users_visible_to
from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.errors import PermissionDeniedError
from anjian.core.forms import apply_service_errors
from anjian.core.paging import keyset_page


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(actor=self.request.user, action="user.password_change", obj=self.request.user,
                     region_code=self.request.user.home_region_code)
        messages.success(self.request, _("密码已修改。"))
        return response


def _require_manager(request):
    if request.user.role not in USER_MANAGERS:
        raise PermissionDenied


def user_list(request):
    _require_manager(request)
    qs = users_visible_to(request.user)
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(username__icontains=text) | qs.filter(full_name__icontains=text)
    page = keyset_page(qs, request.GET)
    return render(request, "accounts/user_list.html", {
        "page": page, "q": text, "next_query": page.next_query(request.GET) if page.next_after else "",
        "can_create": request.user.role == Role.SYSTEM_ADMIN,
    })


def _get_user(request, pk) -> User:
    try:
        return user_for(request.user, pk)
    except User.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def user_create(request):
    if request.user.role != Role.SYSTEM_ADMIN:
        raise PermissionDenied
    prefix = request.user.authority.region.prefix
    form = UserCreateForm(request.POST or None, authorities=services.authorities_for_admin(request.user),
                          enterprises=enterprises_in(prefix))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user, username=data["username"], password=data["password"],
                full_name=data["full_name"], phone=data["phone"], authority=data["authority"],
                enterprise=data["enterprise_uscc"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已创建用户 {}，请安全管理员授予角色。").format(user.username))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("新建用户")})


@require_http_methods(["GET", "POST"])
def user_detail(request, pk):
    _require_manager(request)
    target = _get_user(request, pk)
    role_form = RoleForm(initial={"role": target.role}) if request.user.role == Role.SECURITY_ADMIN else None
    reset_form = PasswordResetForm() if request.user.role == Role.SYSTEM_ADMIN else None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "role" and request.user.role == Role.SECURITY_ADMIN:
                role_form = RoleForm(request.POST)
                if role_form.is_valid():
                    services.user_set_role(actor=request.user, user=target, role=role_form.cleaned_data["role"],
                                           reason=role_form.cleaned_data["reason"])
                    messages.success(request, _("角色已更新。"))
                    return redirect("accounts:user_detail", pk=pk)
            elif action == "reset" and request.user.role == Role.SYSTEM_ADMIN:
                reset_form = PasswordResetForm(request.POST)
                if reset_form.is_valid():
                    services.user_reset_password(actor=request.user, user=target,
                                                 password=reset_form.cleaned_data["password"])
                    messages.success(request, _("密码已重置。"))
                    return redirect("accounts:user_detail", pk=pk)
            elif action in ("activate", "deactivate") and request.user.role == Role.SYSTEM_ADMIN:
                services.user_set_active(actor=request.user, user=target, active=action == "activate")
                messages.success(request, _("已更新账号状态。"))
                return redirect("accounts:user_detail", pk=pk)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            form = role_form if action == "role" else reset_form
            apply_service_errors(form, exc)
        except PermissionDeniedError as exc:
            messages.error(request, str(exc.message))
    return render(request, "accounts/user_detail.html",
                  {"target": target, "role_form": role_form, "reset_form": reset_form})
