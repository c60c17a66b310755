# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful Twilio API simulator reached through an HTTPS CONNECT proxy.

See tests/simulator/README.md.
"""

from .proxy import Simulator  # noqa: F401
