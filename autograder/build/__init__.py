"""What leaves the repository: the Gradescope upload zip and the students' self-check bundle."""
