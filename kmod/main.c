// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: Sockets Direct Protocol over RDMA - module entry points.
 *
 * The control plane is per network namespace state (rule table, tunables,
 * statistics) and the "sdp" generic netlink family that manages it; the
 * data path is the AF_INET_SDP socket family (sock.c and what it calls).
 */

#include <linux/init.h>
#include <linux/module.h>
#include <net/net_namespace.h>

#include "sdp.h"
#include "diag.h"
#include "sock.h"

unsigned int sdp_net_id __read_mostly;

static int __net_init sdp_net_init(struct net *net)
{
	struct sdp_net *sn = sdp_net(net);
	int err;

	mutex_init(&sn->lock);
	sdp_diag_net_init(sn);
	sdp_tunables_init(sn);
	err = sdp_stats_init(&sn->stats);
	if (err)
		goto err_mutex;
	err = sdp_rules_init(sn);
	if (err)
		goto err_stats;
	return 0;

err_stats:
	sdp_stats_exit(&sn->stats);
err_mutex:
	mutex_destroy(&sn->lock);
	return err;
}

static void __net_exit sdp_net_exit(struct net *net)
{
	struct sdp_net *sn = sdp_net(net);

	sdp_diag_net_exit(sn);
	sdp_rules_exit(sn);
	sdp_stats_exit(&sn->stats);
	mutex_destroy(&sn->lock);
}

static struct pernet_operations sdp_net_ops = {
	.init	= sdp_net_init,
	.exit	= sdp_net_exit,
	.id	= &sdp_net_id,
	.size	= sizeof(struct sdp_net),
};

static int __init sdp_init(void)
{
	int err;

	sdp_tunables_setup();
	/* Namespaces have their state before anyone can ask for it. */
	err = register_pernet_subsys(&sdp_net_ops);
	if (err)
		return err;
	err = sdp_nl_register();
	if (err)
		goto err_pernet;
	/* Sockets last: they count and look up in what is registered above. */
	err = sdp_sock_init();
	if (err)
		goto err_genl;
	return 0;

err_genl:
	sdp_nl_unregister();
err_pernet:
	unregister_pernet_subsys(&sdp_net_ops);
	return err;
}

static void __exit sdp_exit(void)
{
	/* Module references held by sockets keep us here until none is left. */
	sdp_sock_exit();
	/* No request can be running once the family is gone. */
	sdp_nl_unregister();
	unregister_pernet_subsys(&sdp_net_ops);
}

module_init(sdp_init);
module_exit(sdp_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("sdp developers");
MODULE_DESCRIPTION("Sockets Direct Protocol (SDP) over RDMA");
MODULE_VERSION(SDP_VERSION);
/*
 * No MODULE_ALIAS_GENL_FAMILY: any user's family lookup would load the
 * module.  An administrator loads it (docs/design.md, "Exposure").
 */
