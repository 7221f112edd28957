/*
 * analyser: tags what people said against the exercise's themes and counts
 * it.
 */
#include "cmd.h"
#include "commands.h"
#include "xmlsafe.h"

int main(int argc, char **argv)
{
	int rc = cmd_main(&analyser_program, argc, argv);

	xmlsafe_cleanup();
	return rc;
}
