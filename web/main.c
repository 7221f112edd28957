/* tally-web: the survey database served to officers' browsers on a laptop. */
#include "cmd.h"
#include "commands.h"
#include "xmlsafe.h"

int main(int argc, char **argv)
{
	int rc = cmd_main(&web_program, argc, argv);

	xmlsafe_cleanup();
	return rc;
}
