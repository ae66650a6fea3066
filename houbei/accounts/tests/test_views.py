import re

from django.test import Client
from django.urls import reverse

from houbei.accounts.models import User
from houbei.conftest import World
from houbei.tests.factories import PASSWORD


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_account_must_choose_its_own_password(world: World):
    client = signed_in(world.town_x_admin)
    page = client.post(
        reverse("accounts:user_create"),
        {
            "display_name": "黄春梅",
            "username": "xinci",
            "region": world.village_b.pk,
            "role": "village_secretary",
        },
    )
    assert page.status_code == 200
    temporary = re.search(
        r'data-testid="temporary-password"><strong>(\w+)</strong>', page.content.decode()
    ).group(1)

    newcomer = Client()
    assert (
        newcomer.post(
            reverse("accounts:login"), {"username": "xinci", "password": temporary}
        ).status_code
        == 302
    )
    assert newcomer.get(reverse("people:list")).url == reverse("accounts:password_change")
    weak = newcomer.post(
        reverse("accounts:password_change"),
        {"old_password": temporary, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    assert "密码太短：至少需要 10 个字符。" in weak.content.decode()
    done = newcomer.post(
        reverse("accounts:password_change"),
        {
            "old_password": temporary,
            "new_password1": "xinci-own-passphrase",
            "new_password2": "xinci-own-passphrase",
        },
    )
    assert done.status_code == 302
    assert newcomer.get(reverse("people:list")).status_code == 200


def test_the_create_form_offers_only_grantable_roles_and_explains_level_errors(world: World):
    client = signed_in(world.town_x_admin)
    form = client.get(reverse("accounts:user_create")).content.decode()
    assert 'value="village_secretary"' in form
    assert 'value="district_admin"' not in form
    assert "鹿子村" not in form  # another town's village is not offered
    wrong_level = client.post(
        reverse("accounts:user_create"),
        {
            "display_name": "某",
            "username": "x1",
            "region": world.town_x.pk,
            "role": "village_secretary",
        },
    )
    assert wrong_level.status_code == 200
    assert "只能授予到" in wrong_level.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_account_detail_hides_roles_outside_ones_regions(world: World):
    from houbei.accounts.roles import Role
    from houbei.accounts.services import grant_add

    grant_add(
        acting_user=world.district_admin,
        user=world.secretary_a,
        region=world.village_c,
        role=Role.POST_LEADER,
    )
    page = (
        signed_in(world.town_x_admin)
        .get(reverse("accounts:user_detail", args=[world.secretary_a.pk]))
        .content.decode()
    )
    assert "鹿子村" not in page
    assert "另有 1 个角色在您的辖区之外" in page
    assert "重置密码" not in page  # not manageable any more


def test_sign_in_with_the_real_password(world: World):
    client = Client()
    assert (
        client.post(
            reverse("accounts:login"), {"username": "village-a", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_repeated_wrong_passwords_pause_sign_in(world, settings) -> None:
    from django.test import Client
    from django.urls import reverse

    from houbei.tests.factories import PASSWORD

    settings.HOUBEI_SIGNIN_MAX_FAILURES = 3
    client = Client()
    url = reverse("accounts:login")
    for _ in range(3):
        wrong = client.post(url, {"username": "village-a", "password": "wrong-password"})
        assert "用户名或密码错误" in wrong.content.decode()
    locked = client.post(url, {"username": "village-a", "password": PASSWORD})
    assert locked.status_code == 200 and "_auth_user_id" not in client.session
    assert "密码错误次数过多" in locked.content.decode()
    # Unknown names are paused the same way: the message says nothing about existence.
    for _ in range(3):
        client.post(url, {"username": "nobody", "password": "x"})
    assert (
        "密码错误次数过多"
        in client.post(url, {"username": "nobody", "password": "x"}).content.decode()
    )
    # After the window, the right password works again.
    from houbei.accounts.models import FailedSignIn

    FailedSignIn.objects.all().delete()
    assert client.post(url, {"username": "village-a", "password": PASSWORD}).status_code == 302


def test_pages_carry_a_strict_content_security_policy(world) -> None:
    from django.test import Client

    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "camera=()" in response["Permissions-Policy"]
