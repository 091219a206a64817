"""The back office's admin pages, one module per area. Django's admin autodiscovery imports this
package (`backoffice.admin`); importing the modules below registers their ModelAdmins.

The admin is the staff delivery surface, so it lives here, above the domain apps it shows: a domain
app never imports it (README, Architecture).
"""

from backoffice.admin import (  # noqa: F401 - imported for their @admin.register side effects
    branches,
    claims,
    contributions,
    corrections,
    effects,
    layanan,
    lifeevents,
    participants,
    partners,
    rates,
    recovery,
    verification,
)
