// SPDX-License-Identifier: GPL-2.0
/* sdpctl: control the sdp (Sockets Direct Protocol) kernel module. */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv, stdout, stderr);
}
