/* collector: takes survey responses from every channel into the database. */
#include "cmd.h"
#include "commands.h"
#include "xmlsafe.h"

int main(int argc, char **argv)
{
	int rc = cmd_main(&collector_program, argc, argv);

	xmlsafe_cleanup();
	return rc;
}
